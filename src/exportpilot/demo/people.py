"""Invented names for the demo data: Korean companies and people, overseas buyers and their contacts.

Every name is assembled at random from common given names, family names and generic words; any
resemblance to a real company or person is a coincidence. Chinese and Japanese company names come in
native script or romanised; the romanised form is used for web and e-mail addresses.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

# --- Korean companies and people -----------------------------------------------------------------

KOREAN_FAMILY = (
    "김",
    "이",
    "박",
    "최",
    "정",
    "강",
    "조",
    "윤",
    "장",
    "임",
    "한",
    "오",
    "서",
    "신",
    "권",
    "황",
    "안",
    "송",
)
KOREAN_GIVEN = (
    "지현",
    "민준",
    "서연",
    "도윤",
    "하은",
    "준호",
    "수빈",
    "현우",
    "지은",
    "성민",
    "유진",
    "동현",
    "은지",
    "재원",
    "혜진",
    "상훈",
    "미경",
    "영수",
    "정민",
    "보람",
)

#: Brand roots of Korean company names: (Korean, romanised).
KOREAN_ROOTS: tuple[tuple[str, str], ...] = (
    ("한빛", "Hanbit"),
    ("세진", "Sejin"),
    ("미래", "Mirae"),
    ("청솔", "Cheongsol"),
    ("누리", "Nuri"),
    ("다온", "Daon"),
    ("가온", "Gaon"),
    ("솔빛", "Solbit"),
    ("해든", "Haedeun"),
    ("보람", "Boram"),
    ("새한", "Saehan"),
    ("진영", "Jinyoung"),
    ("우진", "Woojin"),
    ("성원", "Sungwon"),
    ("한결", "Hangyeol"),
    ("이룸", "Irum"),
    ("푸른", "Pureun"),
    ("삼우", "Samwoo"),
    ("동진", "Dongjin"),
    ("영진", "Youngjin"),
    ("태백", "Taebaek"),
    ("세광", "Sekwang"),
    ("은하", "Eunha"),
    ("별빛", "Byeolbit"),
    ("아름", "Areum"),
    ("나래", "Narae"),
    ("하늘", "Haneul"),
    ("바다", "Bada"),
    ("초록", "Chorok"),
    ("해오름", "Haeoreum"),
    ("늘봄", "Neulbom"),
    ("정우", "Jungwoo"),
    ("명성", "Myungsung"),
    ("신일", "Shinil"),
    ("유니온", "Union"),
    ("그린", "Green"),
    ("에코", "Eco"),
    ("한마음", "Hanmaeum"),
    ("온누리", "Onnuri"),
    ("대원", "Daewon"),
    ("서광", "Seogwang"),
    ("동일", "Dongil"),
    ("금성", "Geumseong"),
    ("백산", "Baeksan"),
    ("청운", "Cheongun"),
    ("진성", "Jinsung"),
    ("우성", "Woosung"),
    ("한솔", "Hansol"),
    ("예담", "Yedam"),
    ("로뎀", "Rodem"),
    ("비전", "Vision"),
    ("넥스트", "Next"),
    ("제이원", "J-One"),
    ("다산", "Dasan"),
    ("두리", "Duri"),
    ("참", "Cham"),
    ("소담", "Sodam"),
    ("라온", "Raon"),
    ("희망", "Huimang"),
    ("빛나", "Bitna"),
)

#: Korean letter names for initials such as "KS" (케이에스).
_LETTERS = {
    "K": "케이",
    "S": "에스",
    "J": "제이",
    "H": "에이치",
    "D": "디",
    "M": "엠",
    "T": "티",
    "N": "엔",
    "P": "피",
    "B": "비",
    "C": "씨",
    "E": "이",
    "G": "지",
    "Y": "와이",
    "A": "에이",
    "I": "아이",
}

#: Words that end a Korean company name, by industry: (Korean, English).
INDUSTRY_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "cosmetics": (
        ("코스메틱", "Cosmetic"),
        ("뷰티", "Beauty"),
        ("바이오랩", "Biolab"),
        ("코스메틱스", "Cosmetics"),
        ("화장품", "Cosmetics"),
        ("랩", "Lab"),
    ),
    "processed_food": (
        ("푸드", "Foods"),
        ("식품", "Food"),
        ("에프앤비", "F&B"),
        ("푸드텍", "Foodtech"),
        ("농산식품", "Agrifood"),
    ),
    "agri_fishery": (
        ("농산", "Agro"),
        ("수산", "Fisheries"),
        ("팜", "Farm"),
        ("영농", "Farming"),
        ("씨푸드", "Seafood"),
        ("그린팜", "Green Farm"),
    ),
    "machinery": (
        ("기계", "Machinery"),
        ("정밀", "Precision"),
        ("엔지니어링", "Engineering"),
        ("산업", "Industrial"),
        ("테크", "Tech"),
        ("오토메이션", "Automation"),
    ),
    "auto_parts": (
        ("오토텍", "Autotech"),
        ("모터스", "Motors"),
        ("오토모티브", "Automotive"),
        ("정공", "Precision"),
        ("산업", "Industries"),
        ("에이엠", "AM"),
    ),
    "electronic_components": (
        ("전자", "Electronics"),
        ("테크", "Tech"),
        ("일렉트로닉스", "Electronics"),
        ("반도체", "Semiconductor"),
        ("솔루션", "Solutions"),
        ("디바이스", "Devices"),
    ),
    "medical_devices": (
        ("메디칼", "Medical"),
        ("메디텍", "Meditech"),
        ("헬스케어", "Healthcare"),
        ("메디", "Medi"),
        ("바이오메드", "Biomed"),
        ("덴탈", "Dental"),
    ),
    "textiles_apparel": (
        ("섬유", "Textile"),
        ("패션", "Fashion"),
        ("어패럴", "Apparel"),
        ("텍스타일", "Textile"),
        ("니트", "Knit"),
        ("화섬", "Synthetic Fiber"),
    ),
    "chemicals_plastics": (
        ("화학", "Chemical"),
        ("케미칼", "Chemical"),
        ("폴리머", "Polymer"),
        ("플라스틱", "Plastics"),
        ("소재", "Materials"),
        ("켐", "Chem"),
    ),
    "metal_tools": (
        ("금속", "Metal"),
        ("공구", "Tools"),
        ("스틸", "Steel"),
        ("툴스", "Tools"),
        ("메탈", "Metal"),
        ("정공", "Precision"),
    ),
    "household_goods": (
        ("리빙", "Living"),
        ("생활산업", "Living"),
        ("홈", "Home"),
        ("라이프", "Life"),
        ("홈앤리빙", "Home & Living"),
        ("키친", "Kitchen"),
    ),
    "marine_parts": (
        ("마린", "Marine"),
        ("조선", "Shipbuilding"),
        ("해양", "Ocean"),
        ("중공업", "Heavy Industries"),
        ("오션텍", "Oceantech"),
        ("선박", "Marine"),
    ),
}

# (Korean pattern, English pattern, weight); {n} is the name without the legal form.
_LEGAL_FORMS: tuple[tuple[str, str, float], ...] = (
    ("(주){n}", "{n} Co., Ltd.", 45),
    ("{n}(주)", "{n} Corp.", 20),
    ("주식회사 {n}", "{n} Inc.", 20),
    ("유한회사 {n}", "{n} LLC", 5),
)
_AGRI_FORMS: tuple[tuple[str, str, float], ...] = (
    ("농업회사법인 (주){n}", "{n} Agricultural Corp.", 20),
    ("영농조합법인 {n}", "{n} Farming Association", 15),
)
_FISHERY_FORMS: tuple[tuple[str, str, float], ...] = (("어업회사법인 (주){n}", "{n} Fishery Corp.", 30),)


def korean_person(rng: random.Random) -> str:
    return rng.choice(KOREAN_FAMILY) + rng.choice(KOREAN_GIVEN)


def korean_company(rng: random.Random, industry: str, city: tuple[str, str]) -> tuple[str, str, str]:
    """Return (Korean name, English name, brand) of an invented Korean company in ``industry``."""
    root_ko, root_en = rng.choice(KOREAN_ROOTS)
    word_ko, word_en = rng.choice(INDUSTRY_WORDS[industry])
    style = rng.random()
    if style < 0.55:
        brand_ko, brand_en = root_ko, root_en
    elif style < 0.75:  # initials: KS Tech, 케이에스테크
        letters = rng.sample(sorted(_LETTERS), 2)
        brand_ko, brand_en = "".join(_LETTERS[c] for c in letters), "".join(letters)
    elif style < 0.9:  # two short roots: 한빛누리
        short = [r for r in KOREAN_ROOTS if len(r[0]) == 2 and r[0] != root_ko]
        other_ko, other_en = rng.choice(short)
        brand_ko, brand_en = root_ko[:2] + other_ko, root_en + other_en.lower()
    else:  # place-based: 통영해든수산
        brand_ko, brand_en = city[0].rstrip("시군구읍면") + root_ko, f"{_city_word(city[1])} {root_en}"
    forms = _LEGAL_FORMS
    if industry == "agri_fishery":
        forms += _FISHERY_FORMS if word_en in ("Fisheries", "Seafood") else _AGRI_FORMS
    elif industry == "processed_food":
        forms += _AGRI_FORMS[:1]
    ko_form, en_form, _ = rng.choices(forms, weights=[f[2] for f in forms])[0]
    name_ko = ko_form.format(n=brand_ko + word_ko)
    name_en = en_form.format(n=f"{brand_en} {word_en}")
    return name_ko, name_en, brand_en


def _city_word(city_en: str) -> str:
    """'Guro-gu' → 'Guro', 'Jeju City' → 'Jeju'."""
    return re.sub(r"(-(gu|gun|si|eup|myeon)| City)$", "", city_en)


# --- Overseas buyers --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Culture:
    """How people and companies of one market or group of markets are named."""

    given: tuple[str, ...]
    family: tuple[str, ...]
    words: tuple[str, ...]
    patterns: tuple[str, ...]  # {w} {w2} {wa} (w ascii-folded) {f} {f2} {L} (legal form)
    title_lang: str = "en"
    family_first: bool = False
    double_family: float = 0.0  # share of people with two family names (Spanish style)
    full_names: tuple[str, ...] = ()  # whole names, where given and family names do not mix freely


def _t(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split("|"))


_EN_GIVEN = _t(
    "James|Sarah|Michael|Jennifer|David|Emily|Robert|Jessica|Daniel|Laura|Christopher"
    "|Ashley|Matthew|Rachel|Andrew|Olivia"
)
_EN_WORDS = _t(
    "Pacific Rim|Summit|Bluewater|Keystone|Northstar|Evergreen|Harbor|Liberty|Cedar"
    "|Pinnacle|Redwood|Silverline|Meridian|Horizon|Atlas|Coastal|Sterling|Oakridge"
    "|Lighthouse|Crescent"
)
_EN_PATTERNS = _t(
    "{w} Trading {L}|{w} Imports {L}|{f} & Sons {L}|{w} Supply {L}"
    "|{w} Distribution {L}|{w} Group {L}|{w} Global Sourcing {L}|{f} Brothers {L}"
)
_ES_GIVEN = _t(
    "José|María|Juan|Ana|Carlos|Laura|Luis|Carmen|Javier|Lucía|Miguel|Sofía|Andrés"
    "|Valentina|Diego|Camila|Fernando|Gabriela|Alejandro|Daniela"
)
_ES_FAMILY = _t(
    "García|Rodríguez|Martínez|López|González|Hernández|Pérez|Sánchez|Ramírez|Torres"
    "|Flores|Rivera|Gómez|Díaz|Morales|Vargas|Castro|Rojas|Ortiz|Silva"
)
_ES_PATTERNS = _t(
    "{w} Importaciones {L}|Distribuidora {w} {L}|Comercializadora {w} {L}"
    "|Grupo {f} {L}|{f} Hermanos {L}|Importadora {f} {L}|Inversiones {w} {L}"
)
_PT_GIVEN = _t(
    "João|Maria|Ana|Pedro|Lucas|Juliana|Carlos|Fernanda|Rafael|Camila|Bruno|Patrícia|Gustavo|Larissa"
)
_PT_FAMILY = _t(
    "Silva|Santos|Oliveira|Souza|Rodrigues|Ferreira|Alves|Pereira|Lima|Gomes|Costa"
    "|Ribeiro|Martins|Carvalho|Almeida"
)
_PT_PATTERNS = _t(
    "{w} Importadora {L}|Distribuidora {w} {L}|{f} Comércio e Importação {L}"
    "|{w} Comercial {L}|Grupo {f} {L}|{f} & Filhos {L}"
)
_FR_PATTERNS = _t(
    "{w} Distribution {L}|Société {f} et Fils {L}|{f} Import Export {L}"
    "|{w} Négoce {L}|Groupe {f} {L}|{w} International {L}"
)

CULTURES: dict[str, Culture] = {
    "zh": Culture(
        given=_t("Wei|Fang|Na|Min|Jing|Lei|Yang|Jun|Tao|Ming|Chao|Xiuying|Hui|Qiang|Yan|Xin|Hao|Jie"),
        family=_t("Wang|Li|Zhang|Liu|Chen|Yang|Zhao|Huang|Zhou|Wu|Xu|Sun|Ma|Hu|Guo|Lin|He|Gao"),
        words=(),
        patterns=(),
        title_lang="zh",
        family_first=True,
    ),
    "zh_tw": Culture(
        given=_t("Chia-Hao|Yi-Ting|Shu-Fen|Chih-Ming|Ya-Ting|Chun-Hung|Mei-Ling|Wen-Chieh|Hsin-Yi|Po-Wei"),
        family=_t("Chen|Lin|Huang|Chang|Li|Wang|Wu|Liu|Tsai|Yang|Hsu|Cheng"),
        words=(),
        patterns=(),
    ),
    "zh_hk": Culture(
        given=_t(
            "Ka Ming|Wai Man|Siu Ling|Chi Keung|Mei Yee|Kwok Wai|Hoi Yan|Tsz Hin|Kelvin|Winnie|Ivan|Bonnie"
        ),
        family=_t("Chan|Wong|Leung|Lee|Cheung|Lau|Ho|Ng|Lam|Tang|Yip"),
        words=_t(
            "Wing Fat|Kin Wah|Tak Sing|Po Kwong|Wah Hing|Yue Tai|Hang Fung"
            "|Shun Cheong|Fook Lee|Kwong Hing|Chung Wah"
        ),
        patterns=_t(
            "{w} Trading {L}|{w} International {L}|{w} Enterprises {L}|{w} Holdings {L}|{w} (Far East) {L}"
        ),
    ),
    "ja": Culture(
        given=_t(
            "Hiroshi|Takashi|Yuki|Akiko|Kenji|Naoko|Satoshi|Yumi|Daisuke|Keiko|Makoto|Haruka|Shinji|Emi"
        ),
        family=_t(
            "Tanaka|Suzuki|Sato|Takahashi|Ito|Watanabe|Yamamoto|Nakamura|Kobayashi"
            "|Kato|Yoshida|Yamada|Matsumoto|Inoue"
        ),
        words=(),
        patterns=(),
        title_lang="ja",
    ),
    "vi": Culture(
        given=_t(
            "Văn Minh|Thị Lan|Văn Hùng|Thị Hương|Minh Tuấn|Thị Mai|Quốc Bảo"
            "|Thu Trang|Đức Anh|Ngọc Ánh|Thanh Hải|Hoàng Long|Thị Thu Hà|Văn Nam"
        ),
        family=_t("Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô"),
        words=_t(
            "Minh Phát|Hoàng Long|Phú Thịnh|Thành Đạt|An Khang|Đại Phát|Tân Phong"
            "|Hưng Thịnh|Kim Ngân|Sao Mai|Bình Minh|Thiên Phúc|Trường Sơn"
            "|Phương Nam|Quang Minh"
        ),
        patterns=_t(
            "Công ty TNHH {w}|Công ty TNHH Thương mại {w}"
            "|Công ty TNHH Xuất nhập khẩu {w}|Công ty Cổ phần {w}"
            "|Công ty Cổ phần Thương mại và Dịch vụ {w}|{wa} Trading {L}"
        ),
        title_lang="vi",
        family_first=True,
    ),
    "ms": Culture(
        given=(),
        family=_t("Ismail|Hassan|Abdullah|Rahman|Tan|Lim|Wong|Lee|Ng|Raj"),
        full_names=_t(
            "Ahmad bin Ismail|Nurul Ain binti Hassan|Muhammad Faizal bin Abdullah"
            "|Siti Aminah binti Rahman|Hafiz bin Osman|Tan Wei Ling|Lim Chee Keong"
            "|Wong Mei Fong|Lee Kah Wai|Ng Siew Hoon|Kavitha a/p Raj"
            "|Suresh a/l Kumar"
        ),
        words=_t("Cahaya|Maju|Gemilang|Harmoni|Sinar|Setia|Jaya|Bestari|Perdana|Wawasan|Mega"),
        patterns=_t("{w} {w2} {L}|{w} Trading {L}|{w} Resources {L}|{f} Enterprise {L}"),
    ),
    "id": Culture(
        given=_t("Budi|Siti|Agus|Dewi|Rudi|Sri|Hendra|Ratna|Andi|Wulan|Yusuf|Indah|Eko|Putri"),
        family=_t(
            "Santoso|Wijaya|Hartono|Susanto|Kurniawan|Setiawan|Pratama|Saputra|Lestari|Gunawan|Halim|Sutanto"
        ),
        words=_t(
            "Sinar|Jaya|Abadi|Makmur|Sejahtera|Mitra|Sentosa|Cahaya|Mandiri|Prima"
            "|Nusantara|Bintang|Harapan|Karya|Indah|Sukses|Utama|Perkasa"
        ),
        patterns=_t("PT {w} {w2}|PT {w} {w2} {w3}|CV {w} {w2}|PT {f} {w}"),
        title_lang="id",
    ),
    "th": Culture(
        given=_t(
            "Somchai|Somsak|Suda|Nattapong|Kanya|Wichai|Pimchanok|Anan|Siriporn|Thanawat|Kannika|Prasert"
        ),
        family=_t(
            "Srisuk|Wongsawat|Chaiyaporn|Rattanakul|Suwannarat|Boonmee|Thongchai|Kaewkla|Phromma|Sukprasert"
        ),
        words=_t("Charoen|Sombat|Rungruang|Thanakorn|Wattana|Pattana|Chokdee|Siri|Mongkol|Sinsap|Kasem"),
        patterns=_t("{w} {w2} {L}|Siam {w} Trading {L}|{w} Supply {L}|Thai {w} {L}"),
    ),
    "tl": Culture(
        given=_t("Juan|Maria|Jose|Ana|Mark|Kristine|John Paul|Jenny|Ramon|Liza|Carlo|Grace"),
        family=_t("Santos|Reyes|Cruz|Bautista|Garcia|Mendoza|Dela Cruz|Villanueva|Ramos|Aquino|Castillo|Tan"),
        words=_t(
            "Mabuhay|Luzon|Pacific Star|Bayanihan|Golden Harvest|Tala|Maharlika"
            "|Sampaguita|Island Fresh|Metro Prime"
        ),
        patterns=_t("{w} Trading {L}|{f} Enterprises {L}|{w} Marketing {L}|{w} Distribution {L}"),
    ),
    "km": Culture(
        given=_t("Sokha|Dara|Sophea|Vanna|Chenda|Rithy|Bopha|Sopheak"),
        family=_t("Chan|Sok|Kim|Heng|Meas|Chea|Keo|Phan"),
        words=_t("Angkor|Mekong|Sovann|Phnom Meas|Khmer Star|Tonle|Lucky Star"),
        patterns=_t("{w} Import Export {L}|{w} Trading {L}"),
        family_first=True,
    ),
    "en_in": Culture(
        given=_t("Rajesh|Priya|Amit|Sunita|Vikram|Anjali|Suresh|Deepak|Neha|Arjun|Kavita|Rahul|Sanjay|Pooja"),
        family=_t("Sharma|Patel|Gupta|Singh|Kumar|Mehta|Iyer|Reddy|Shah|Agarwal|Nair|Desai|Joshi|Rao"),
        words=_t(
            "Ganesh|Lakshmi|Sai|Bharat|Krishna|Balaji|Om Sai|Shiv Shakti|Indus|Sunrise|Vishwa|Kaveri|Surya"
        ),
        patterns=_t(
            "{w} Impex {L}|Shree {w} Enterprises|{f} Overseas {L}|{w} Trading Co."
            "|{f} & Sons|{w} Industries {L}"
        ),
    ),
    "bd": Culture(
        given=_t(
            "Mohammad|Abdul|Farhana|Rashed|Nusrat|Tanvir|Ayesha|Imran|Sadia|Kamal|Rizwan|Fatima|Asif|Nadia"
        ),
        family=_t("Rahman|Hossain|Ahmed|Islam|Chowdhury|Khan|Uddin|Akhtar|Malik|Qureshi|Siddiqui|Sheikh"),
        words=_t("Padma|Meghna|Crescent|Al-Madina|Green Valley|Sonali|Ravi|Indus|Star Line|Royal|Jamuna"),
        patterns=_t("{w} Enterprise|{f} Traders|{w} Group|{w} Trade International {L}|{f} Sourcing {L}"),
    ),
    "en": Culture(
        given=_EN_GIVEN,
        family=_t(
            "Smith|Johnson|Brown|Miller|Davis|Wilson|Taylor|Anderson|Thomas|Moore"
            "|Martin|Thompson|White|Clark|Walker|Kelly"
        ),
        words=_EN_WORDS + _t("Southern Cross|Kookaburra|Wattle|Tasman"),
        patterns=_EN_PATTERNS,
    ),
    "en_us": Culture(
        given=_EN_GIVEN + _t("Jose|Kevin|Michelle|Brian"),
        family=_t(
            "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Garcia|Wilson|Anderson"
            "|Taylor|Thomas|Moore|Kim|Nguyen|Patel|Lee|Hernandez"
        ),
        words=_EN_WORDS + _t("Lone Star|Golden Gate|Great Lakes|Bayou"),
        patterns=_EN_PATTERNS,
    ),
    "en_gb": Culture(
        given=_t("Oliver|Charlotte|Harry|Sophie|George|Emma|William|Lucy|Jack|Hannah|Thomas|Amelia"),
        family=_t(
            "Smith|Jones|Williams|Taylor|Davies|Evans|Thomas|Roberts|Wright|Walker|Hughes|Green|Hall|Wood"
        ),
        words=_t("Thames|Albion|Kingsway|Pennine|Highland|Crown|Oakwood|Brightwater|Marlow|Cotswold|Severn"),
        patterns=_EN_PATTERNS,
    ),
    "en_sg": Culture(
        given=(),
        family=_t("Tan|Lim|Lee|Ng|Ong|Goh|Chua|Koh|Teo|Rajan"),
        full_names=_t(
            "Tan Wei Ming|Lim Hui Min|Lee Jun Jie|Ng Siew Ling|Daniel Ong"
            "|Rachel Goh|Kelvin Chua|Michelle Koh|Aisha binte Rahman|Rajan Kumar"
            "|Teo Boon Huat|Sarah Lim"
        ),
        words=_t("Lion City|Straits|Orchid|Marina|Temasek|Sentosa|Pacific|Equator|Harbourfront"),
        patterns=_t("{w} Trading {L}|{w} Marine {L}|{w} Supply Chain {L}|{f} Brothers {L}|{w} Global {L}"),
    ),
    "ar": Culture(
        given=_t(
            "Mohammed|Ahmed|Omar|Khalid|Fatima|Youssef|Hassan|Ali|Abdullah|Layla"
            "|Tariq|Saeed|Mariam|Hamad|Nasser|Rania"
        ),
        family=_t(
            "Al Mansouri|Al Harbi|Al Qahtani|Al Zahrani|Al Shamsi|Al Suwaidi|Haddad"
            "|Farouk|Mahmoud|Abdelrahman|El Sayed|Al Amiri|Al Otaibi|Al Hashimi"
            "|Khalil"
        ),
        words=_t(
            "Noor|Waha|Safa|Rawabi|Yasmin|Falak|Manar|Sahel|Bayan|Zahra|Reem|Amal"
            "|Hilal|Najm|Marwa|Khaleej|Fajr|Sharq"
        ),
        patterns=_t(
            "Al {w} General Trading {L}|{f} Trading {L}|Dar Al {w} {L}"
            "|Al {w} Trading Est.|Al {w} Import & Export {L}|{f} Group {L}"
        ),
    ),
    "ar_fr": Culture(
        given=_t("Mohamed|Youssef|Fatima Zahra|Karim|Samira|Rachid|Nadia|Mehdi|Amine|Salma|Hicham|Yasmine"),
        family=_t("Benali|El Idrissi|Bennani|Alaoui|Tazi|Haddad|Boumediene|Cherif|Mansouri|Belkacem|Lahlou"),
        words=_t("Atlas|Maghreb|Sahara|Andalous|Méditerranée|Zitoune|Nour|Rif|Oasis|Tafilalet"),
        patterns=_t(
            "{w} Import {L}|Société {w} de Distribution {L}|{f} Négoce {L}|Groupe {w} {L}|{w} Trading {L}"
        ),
        title_lang="fr",
    ),
    "he": Culture(
        given=_t("David|Noa|Yossi|Tamar|Avi|Michal|Eitan|Shira|Moshe|Yael|Omer|Dana"),
        family=_t("Cohen|Levi|Mizrahi|Peretz|Biton|Friedman|Katz|Azoulay|Shapiro|Ben-David"),
        words=_t("Ofek|Shaked|Galil|Carmel|Negev|Arava|Yarden|Tavor|Hadar|Kinneret"),
        patterns=_t("{w} Import {L}|{f} Trading {L}|{w} Technologies {L}|{f} & {f2} {L}"),
    ),
    "tr": Culture(
        given=_t("Mehmet|Ayşe|Mustafa|Fatma|Ahmet|Elif|Emre|Zeynep|Burak|Selin|Murat|Esra|Hakan|Deniz"),
        family=_t("Yılmaz|Kaya|Demir|Şahin|Çelik|Yıldız|Aydın|Öztürk|Arslan|Doğan|Kılıç|Aslan|Çetin|Kurt"),
        words=_t("Anadolu|Ege|Marmara|Toros|Akdeniz|Yıldız|Karadeniz|Kuzey|Altın|Doruk|Umut|Başak|Ilgaz"),
        patterns=_t(
            "{w} Dış Ticaret {L}|{f} İthalat İhracat {L}|{w} Sanayi ve Ticaret {L}|{f} Grup Pazarlama {L}"
        ),
        title_lang="tr",
    ),
    "de": Culture(
        given=_t(
            "Thomas|Andreas|Julia|Stefan|Sabine|Michael|Katharina|Markus|Anna|Jens"
            "|Claudia|Tobias|Nicole|Felix"
        ),
        family=_t(
            "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz"
            "|Hoffmann|Koch|Richter|Klein|Wolf|Schröder|Neumann"
        ),
        words=_t("Nord|Rhein|Alpen|Elbe|Hansa|Süd|Main|Ostsee|Weser|Isar|Neckar|Donau|Nordstern"),
        patterns=_t(
            "{f} Handels {L}|{w} Import {L}|{f} & {f2} {L}|{w} Technik {L}"
            "|{w} Vertrieb {L}|{f} Industriebedarf {L}"
        ),
        title_lang="de",
    ),
    "fr": Culture(
        given=_t(
            "Jean|Marie|Pierre|Sophie|Nicolas|Isabelle|Julien|Camille|Laurent"
            "|Céline|Thomas|Nathalie|Antoine|Claire"
        ),
        family=_t(
            "Martin|Bernard|Dubois|Durand|Lefebvre|Moreau|Laurent|Simon|Michel|Roux"
            "|Fontaine|Girard|Bonnet|Mercier"
        ),
        words=_t(
            "Atlantique|Provence|Horizon|Alliance|Azur|Étoile|Lumière|Rivage|Hexagone|Méridien|Loire|Alpes"
        ),
        patterns=_FR_PATTERNS,
        title_lang="fr",
    ),
    "fr_af": Culture(
        given=_t("Kouadio|Aminata|Moussa|Fatou|Ibrahima|Awa|Koffi|Mariam|Seydou|Adama|Cheikh|Aïssatou"),
        family=_t("Diallo|Traoré|Koné|Ndiaye|Diop|Ouattara|Coulibaly|Kouassi|Sow|Fall|Bamba|Konaté"),
        words=_t("Sahel|Lagune|Teranga|Baobab|Ivoire|Savane|Étoile|Espoir|Soleil|Cauris"),
        patterns=_t("{w} Distribution {L}|Société {w} Import {L}|{f} et Frères {L}|Établissements {f} {L}"),
        title_lang="fr",
    ),
    "nl": Culture(
        given=_t("Jan|Sanne|Pieter|Lotte|Thijs|Eva|Bram|Anouk|Daan|Fleur|Joris|Marieke"),
        family=_t(
            "de Jong|Jansen|de Vries|van den Berg|Bakker|Visser|Smit|Meijer|de Boer"
            "|Mulder|Peeters|Maes|Janssens"
        ),
        words=_t("Noordzee|Delta|Polder|Maas|Oranje|Zeeland|Tulip|Horizon|Rijn|Schelde"),
        patterns=_t(
            "{w} Trading {L}|{f} Import {L}|{w} Groothandel {L}|{w} International {L}|{f} & Zonen {L}"
        ),
        title_lang="nl",
    ),
    "it": Culture(
        given=_t("Marco|Giulia|Luca|Francesca|Alessandro|Chiara|Andrea|Sara|Matteo|Elena|Davide|Valentina"),
        family=_t("Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti"),
        words=_t("Adriatica|Tirrena|Alpina|Aurora|Lombarda|Sole|Stella|Mediterranea|Levante|Dolomiti"),
        patterns=_t("{f} {L}|{w} Import {L}|{f} & Figli {L}|{w} Distribuzione {L}|{w} Commerciale {L}"),
        title_lang="it",
    ),
    "es": Culture(
        given=_ES_GIVEN,
        family=_ES_FAMILY,
        words=_t(
            "Andina|Pacífico|Horizonte|Cóndor|Aurora|Altamira|Sierra Verde"
            "|Costa Azul|Tres Ríos|Estrella del Sur|Continental|Nova|Alianza|Cumbre"
            "|Valle Real|Mar Azul"
        ),
        patterns=_ES_PATTERNS,
        title_lang="es",
        double_family=0.4,
    ),
    "es_es": Culture(
        given=_ES_GIVEN,
        family=_ES_FAMILY,
        words=_t("Ibérica|Mediterránea|Levante|Cantábrica|Atlántica|Hispania|Sol|Aurora|Norte|Costa"),
        patterns=_ES_PATTERNS,
        title_lang="es",
        double_family=0.5,
    ),
    "pt": Culture(
        given=_PT_GIVEN,
        family=_PT_FAMILY,
        words=_t(
            "Brasil Sul|Atlântico|Horizonte|Paulista|Amazônia|Ipê|Cruzeiro|Aurora|Nova Era|Litoral|Serra Azul"
        ),
        patterns=_PT_PATTERNS,
        title_lang="pt",
        double_family=0.3,
    ),
    "pt_pt": Culture(
        given=_PT_GIVEN,
        family=_PT_FAMILY,
        words=_t("Lusitana|Atlântico|Tejo|Douro|Minho|Algarve|Aurora|Horizonte"),
        patterns=_PT_PATTERNS,
        title_lang="pt",
        double_family=0.3,
    ),
    "pl": Culture(
        given=_t(
            "Piotr|Anna|Tomasz|Katarzyna|Paweł|Magdalena|Krzysztof|Agnieszka|Marcin|Monika|Michał|Joanna"
        ),
        family=_t(
            "Nowak|Wójcik|Woźniak|Mazur|Krawczyk|Kaczmarek|Zając|Król|Wieczorek|Pawlak|Michalak|Sikora"
        ),
        words=_t("Polmar|Wisła|Bałtyk|Tatry|Orzeł|Mazowsze|Jantar|Warta|Odra|Sudety"),
        patterns=_t("{w} {L}|{f} Handel {L}|P.H.U. {w}|{w} Import {L}|{w} Trade {L}"),
        title_lang="pl",
    ),
    "cs": Culture(
        given=_t("Jan|Tomáš|Martin|Jakub|Pavel|Petr|Lukáš|Ondřej"),
        family=_t("Dvořák|Černý|Procházka|Kučera|Veselý|Horák|Němec|Marek|Pokorný|Král"),
        words=_t("Vltava|Morava|Bohemia|Labe|Šumava|Krkonoše|Praha Trade"),
        patterns=_t("{w} {L}|{f} Trade {L}|{w} Import {L}|{w} Distribuce {L}"),
    ),
    "hu": Culture(
        given=_t("László|Zsófia|Gábor|Katalin|Péter|Eszter|Zoltán|Anna|Balázs|Krisztina"),
        family=_t("Nagy|Kovács|Tóth|Szabó|Horváth|Varga|Kiss|Molnár|Németh|Farkas"),
        words=_t("Duna|Tisza|Balaton|Mátra|Pannon|Hungária|Alföld|Hajnal"),
        patterns=_t("{w} {L}|{f} Kereskedelmi {L}|{w} Trade {L}|{w} Import-Export {L}"),
        family_first=True,
    ),
    "ro": Culture(
        given=_t("Andrei|Elena|Mihai|Ioana|Alexandru|Maria|Bogdan|Cristina|Radu|Andreea"),
        family=_t("Popescu|Ionescu|Popa|Dumitru|Stan|Stoica|Gheorghe|Matei|Rusu|Munteanu"),
        words=_t("Carpatica|Dunărea|Transilvania|Aurora|Dobrogea|Siret|Olt"),
        patterns=_t("{w} Import {L}|{f} Distributie {L}|{w} Trading {L}|{w} Comimpex {L}"),
    ),
    "nordic": Culture(
        given=_t("Erik|Anna|Lars|Ingrid|Johan|Maria|Anders|Karin|Mikael|Sofia|Henrik|Emma|Ole|Sigrid"),
        family=_t(
            "Andersson|Johansson|Larsen|Hansen|Nielsen|Karlsson|Eriksson|Olsen"
            "|Pedersen|Lindqvist|Virtanen|Korhonen|Berg|Dahl"
        ),
        words=_t("Nordic|Fjord|Polar|Skagen|Norrland|Baltic|Aurora|Nordlys|Havet|Saga"),
        patterns=_t("{w} {L}|{f} Trading {L}|{w} Import {L}|{f} & Co {L}|{w} Supply {L}|{w} Group {L}"),
    ),
    "el": Culture(
        given=_t("Giorgos|Dimitris|Nikos|Kostas|Yannis|Panagiotis|Vasilis|Christos|Michalis|Spyros"),
        family=_t(
            "Papadopoulos|Georgiou|Nikolaou|Pappas|Vlachos|Oikonomou|Konstantinidis"
            "|Karalis|Angelopoulos|Dimitriou"
        ),
        words=_t("Aegean|Poseidon|Ionian|Olympic Star|Kyma|Thalassa|Delos|Argo|Naxos|Aktí"),
        patterns=_t("{w} Shipping {L}|{w} Maritime {L}|{f} Bros {L}|{w} Trading {L}|{w} Marine Services {L}"),
    ),
    "kz": Culture(
        given=_t("Nurlan|Yerlan|Askar|Daniyar|Timur|Marat|Arman|Serik|Azamat|Bauyrzhan"),
        family=_t(
            "Zhaksybekov|Nurpeisov|Abenov|Seitkali|Omarov|Ismailov|Bekov|Serikbayev"
            "|Kassymov|Sultanov|Akhmetov"
        ),
        words=_t("Altyn|Dala|Aqzhol|Nur|Steppe|Tulpar|Eurasia|Orda|Kokzhiek|Alatau"),
        patterns=_t("{w} {L}|{w} Trade {L}|{w} Group {L}|{w} Distribution {L}"),
        title_lang="ru",
    ),
    "uz": Culture(
        given=_t("Bekzod|Jasur|Sardor|Otabek|Rustam|Aziz|Sherzod|Dilshod|Ulugbek|Farrukh"),
        family=_t("Karimov|Rakhimov|Yusupov|Tursunov|Abdullaev|Nazarov|Usmonov|Aliev|Khodjaev|Mirzaev"),
        words=_t("Samarkand|Silk Road|Turon|Oltin|Baraka|Zarafshan|Registan|Navruz|Amu"),
        patterns=_t("{w} {L}|{w} Trade {L}|{w} Savdo {L}|{w} Group {L}"),
        title_lang="ru",
    ),
    "mn": Culture(
        given=_t(
            "Batbayar|Oyuntsetseg|Ganbold|Enkhjargal|Tuvshin|Sarangerel|Munkh-Erdene|Altantsetseg|Bold|Nomin"
        ),
        family=_t("Dorj|Bat|Tseren|Gantulga|Sukh|Erdene|Ochir|Baatar"),
        words=_t("Altan|Tenger|Orgil|Steppe|Gobi|Tuul|Khangai|Nomads|Khuree"),
        patterns=_t("{w} {L}|{w} Trade {L}|{w} Group {L}"),
        family_first=True,
    ),
    "ng": Culture(
        given=_t(
            "Chinedu|Ngozi|Oluwaseun|Aisha|Emeka|Funmilayo|Ibrahim|Adebayo|Chiamaka"
            "|Tunde|Kwame|Abena|Yaw|Akosua"
        ),
        family=_t("Okafor|Adeyemi|Okonkwo|Bello|Eze|Ogunleye|Abubakar|Nwosu|Mensah|Owusu|Boateng|Asante"),
        words=_t(
            "Sunrise|Crown|Royal Heritage|Goldcrest|Ebony|Delta|Savannah|Unity|Greenfield|Harvest|Eagle"
        ),
        patterns=_t(
            "{w} Ventures {L}|{f} Global Enterprises {L}|{w} Trading {L}"
            "|{w} Integrated Services {L}|{f} & Sons {L}"
        ),
    ),
    "ke": Culture(
        given=_t("James|Mary|Peter|Grace|John|Faith|Joseph|Mercy|Daniel|Esther|Brian|Wanjiru"),
        family=_t("Kamau|Otieno|Mwangi|Wanjiku|Ochieng|Kiprop|Njoroge|Mutua|Wambui|Odhiambo|Mollel|Massawe"),
        words=_t("Savannah|Kilima|Jambo|Simba|Safari|Baraka|Tausi|Nyota|Upendo|Pwani"),
        patterns=_t("{w} Enterprises {L}|{w} Trading {L}|{f} Holdings {L}|{w} Supplies {L}"),
    ),
    "za": Culture(
        given=_t("Thabo|Lerato|Sipho|Nomvula|Johan|Annelie|Pieter|Zanele|Michael|Ayanda"),
        family=_t("Nkosi|Dlamini|Mokoena|van der Merwe|Botha|Naidoo|Pillay|Khumalo|Ndlovu|Venter"),
        words=_t("Ubuntu|Highveld|Protea|Cape Point|Karoo|Table Bay|Drakensberg|Impala|Limpopo"),
        patterns=_t("{w} Trading {L}|{w} Distributors {L}|{f} Holdings {L}|{w} Imports {L}"),
    ),
}

# Chinese and Japanese company names: (native, romanised) parts.
_ZH_CITIES = {
    "Shanghai": "上海",
    "Shenzhen": "深圳",
    "Guangzhou": "广州",
    "Beijing": "北京",
    "Qingdao": "青岛",
    "Tianjin": "天津",
    "Hangzhou": "杭州",
    "Suzhou": "苏州",
    "Shenyang": "沈阳",
    "Yiwu": "义乌",
}
_ZH_WORDS = (
    ("恒泰", "Hengtai"),
    ("华瑞", "Huarui"),
    ("金丰", "Jinfeng"),
    ("鑫源", "Xinyuan"),
    ("宏达", "Hongda"),
    ("盛世", "Shengshi"),
    ("嘉禾", "Jiahe"),
    ("瑞祥", "Ruixiang"),
    ("东方", "Dongfang"),
    ("远航", "Yuanhang"),
    ("中韩", "Zhonghan"),
    ("汇通", "Huitong"),
    ("天成", "Tiancheng"),
    ("博源", "Boyuan"),
    ("永盛", "Yongsheng"),
)
_ZH_LINES = (
    ("贸易", "Trading"),
    ("进出口", "Import & Export"),
    ("商贸", "Commerce & Trade"),
    ("科技", "Technology"),
    ("实业", "Industrial"),
    ("供应链管理", "Supply Chain Management"),
    ("国际贸易", "International Trade"),
)
_TW_WORDS = (
    ("宏泰", "Hung Tai"),
    ("瑞昌", "Jui Chang"),
    ("建興", "Chien Hsing"),
    ("台通", "Tai Tung"),
    ("東昇", "Tung Sheng"),
    ("華昌", "Hua Chang"),
    ("立盛", "Li Sheng"),
    ("金隆", "Chin Lung"),
    ("信益", "Hsin Yi"),
    ("冠宇", "Kuan Yu"),
)
_TW_LINES = (
    ("貿易", "Trading"),
    ("企業", "Enterprise"),
    ("實業", "Industrial"),
    ("科技", "Technology"),
    ("國際", "International"),
)
_JA_WORDS = (
    ("大和", "Yamato"),
    ("富士", "Fuji"),
    ("北斗", "Hokuto"),
    ("若葉", "Wakaba"),
    ("朝日", "Asahi"),
    ("青葉", "Aoba"),
    ("平和", "Heiwa"),
    ("明光", "Meiko"),
    ("協和", "Kyowa"),
    ("双葉", "Futaba"),
    ("東和", "Towa"),
    ("三協", "Sankyo"),
)
_JA_FAMILY = (
    ("田中", "Tanaka"),
    ("山本", "Yamamoto"),
    ("中村", "Nakamura"),
    ("小林", "Kobayashi"),
    ("松本", "Matsumoto"),
)
_JA_LINES = (
    ("商事", "Shoji"),
    ("物産", "Bussan"),
    ("産業", "Sangyo"),
    ("貿易", "Boeki"),
    ("トレーディング", "Trading"),
)

_SPECIAL_ASCII = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "ı": "i",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
    }
)


def ascii_fold(text: str) -> str:
    """'Nguyễn Đức Anh' → 'Nguyen Duc Anh'; characters with no Latin form are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_ASCII))
    return "".join(c for c in decomposed if c.isascii() and not unicodedata.combining(c))


def slug(text: str, max_length: int = 40) -> str:
    """A lowercase host label: 'Distribuidora Cóndor S.A.' → 'distribuidoracondor'."""
    label = re.sub(r"[^a-z0-9]+", "", ascii_fold(text).lower())
    return label[:max_length] or "company"


def person_name(rng: random.Random, culture: Culture) -> tuple[str, str, str]:
    """Return (display name, given name, family name) as written in the culture."""
    if culture.full_names:
        display = rng.choice(culture.full_names)
        parts = display.split()
        return display, parts[0], parts[-1]
    given = rng.choice(culture.given)
    family = rng.choice(culture.family)
    if culture.double_family and rng.random() < culture.double_family:
        second = rng.choice(culture.family)
        if second != family:
            family = f"{family} {second}"
    display = f"{family} {given}" if culture.family_first else f"{given} {family}"
    return display, given, family


def buyer_company(rng: random.Random, culture_key: str, legal_form: str, city: str) -> tuple[str, str]:
    """Return (display name, romanised short name for web and e-mail addresses) of an invented company."""
    if culture_key == "zh":
        word, line = rng.choice(_ZH_WORDS), rng.choice(_ZH_LINES)
        city_zh = _ZH_CITIES.get(city, "上海")
        city_en = city if city in _ZH_CITIES else "Shanghai"
        romanised = f"{city_en} {word[1]} {line[1]} {legal_form}"
        short = f"{city_en} {word[1]}"
        if rng.random() < 0.55:
            return f"{city_zh}{word[0]}{line[0]}有限公司", short
        return romanised, short
    if culture_key == "zh_tw":
        word, line = rng.choice(_TW_WORDS), rng.choice(_TW_LINES)
        romanised = f"{word[1]} {line[1]} {legal_form}"
        short = f"{word[1]} {line[1]}"
        if rng.random() < 0.4:
            return f"{word[0]}{line[0]}股份有限公司", short
        return romanised, short
    if culture_key == "ja":
        word = rng.choice(_JA_WORDS) if rng.random() < 0.75 else rng.choice(_JA_FAMILY)
        line = rng.choice(_JA_LINES)
        romanised = f"{word[1]} {line[1]} {legal_form}"
        short = f"{word[1]} {line[1]}"
        if rng.random() < 0.6:
            native = f"株式会社{word[0]}{line[0]}" if rng.random() < 0.6 else f"{word[0]}{line[0]}株式会社"
            return native, short
        return romanised, short
    culture = CULTURES[culture_key]
    words = rng.sample(culture.words, 3)
    families = rng.sample(culture.family, 2)
    pattern = rng.choice(culture.patterns)
    parts = {"w": words[0], "w2": words[1], "w3": words[2], "wa": ascii_fold(words[0]), "f": families[0]}
    parts["f2"] = families[1]
    name = re.sub(r"\s+", " ", pattern.format(**parts, L=legal_form)).strip()
    if culture_key == "vi":  # "Công ty TNHH Thương mại Minh Phát" is known as Minh Phát
        short = words[0]
    else:
        short = re.sub(r"^(PT|CV|P\.H\.U\.|Société|Établissements) ", "", pattern.format(**parts, L=""))
    return name, ascii_fold(re.sub(r"\s+", " ", short).strip())
