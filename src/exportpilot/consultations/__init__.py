"""The online consultation room: advisors at overseas trade offices publish availability in their own
time zones; exporters book video consultations, confirmed by the advisor, with iCalendar invites."""
