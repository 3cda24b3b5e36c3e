"""Sentences buyers write, in their own languages, and their contacts' job titles.

A buyer's ``products_of_interest`` is one frame below with ``{items}`` replaced by the interest phrases
of the catalogue (``demo/data/<industry>.toml``), optionally followed by one extra sentence.
"""

from __future__ import annotations

#: Frames per language; ``{items}`` is the list of what the buyer wants to source.
FRAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "We are looking for suppliers of {items}.",
        "Importer seeking reliable manufacturers from Korea. Products of interest: {items}.",
        "Please send your catalogue and price list for {items}.",
        "Interested in sourcing {items} for our customers.",
    ),
    "es": (
        "Buscamos proveedores de {items}.",
        "Importador interesado en fabricantes coreanos. Productos de interés: {items}.",
        "Solicitamos catálogo y lista de precios de {items}.",
        "Queremos importar {items} para nuestros clientes.",
    ),
    "pt": (
        "Procuramos fornecedores de {items}.",
        "Importador interessado em fabricantes coreanos. Produtos de interesse: {items}.",
        "Solicitamos catálogo e lista de preços de {items}.",
        "Queremos importar {items} para nossos clientes.",
    ),
    "fr": (
        "Produits recherchés : {items}.",
        "Importateur à la recherche de fabricants coréens. Produits recherchés : {items}.",
        "Demande de catalogue et de prix : {items}.",
        "Nous souhaitons référencer de nouveaux fournisseurs coréens — {items}.",
    ),
    "de": (
        "Wir suchen Lieferanten für {items}.",
        "Importeur sucht koreanische Hersteller. Interesse an: {items}.",
        "Bitte senden Sie uns Katalog und Preisliste für {items}.",
        "Wir möchten {items} für unsere Kunden importieren.",
    ),
    "vi": (
        "Chúng tôi đang tìm nhà cung cấp {items}.",
        "Công ty nhập khẩu cần tìm nhà sản xuất Hàn Quốc. Sản phẩm quan tâm: {items}.",
        "Vui lòng gửi catalogue và bảng giá {items}.",
        "Chúng tôi muốn nhập khẩu {items} để phân phối tại Việt Nam.",
    ),
    "zh": (
        "寻找{items}供应商。",
        "进口商寻求韩国制造商，感兴趣的产品：{items}。",
        "请提供{items}的产品目录和报价。",
        "我司希望进口{items}，在国内分销。",
    ),
    "ja": (
        "{items}の仕入先を探しています。",
        "輸入商社です。韓国メーカーからの調達を検討中：{items}。",
        "{items}のカタログと価格表をお送りください。",
        "当社の販売先向けに{items}を輸入したいと考えています。",
    ),
    "ar": (
        "نبحث عن موردين كوريين للمنتجات التالية: {items}.",
        "شركة استيراد تبحث عن مصنعين من كوريا. المنتجات المطلوبة: {items}.",
        "يرجى إرسال الكتالوج وقائمة الأسعار: {items}.",
        "نرغب في استيراد {items} لعملائنا.",
    ),
    "id": (
        "Kami mencari pemasok {items}.",
        "Importir mencari produsen dari Korea. Produk yang diminati: {items}.",
        "Mohon kirimkan katalog dan daftar harga untuk {items}.",
        "Kami ingin mengimpor {items} untuk pelanggan kami.",
    ),
    "ru": (
        "Ищем поставщиков: {items}.",
        "Импортёр ищет производителей из Кореи. Интересующая продукция: {items}.",
        "Просим прислать каталог и прайс-лист: {items}.",
        "Планируем закупки в Корее: {items}.",
    ),
    "th": (
        "กำลังมองหาผู้ผลิตและซัพพลายเออร์ {items}",
        "บริษัทนำเข้าต้องการสินค้าจากเกาหลี ได้แก่ {items}",
        "กรุณาส่งแคตตาล็อกและราคาสำหรับ {items}",
    ),
    "tr": (
        "{items} tedarikçileri arıyoruz.",
        "Kore'den üretici arayan ithalatçı firmayız. İlgilendiğimiz ürünler: {items}.",
        "{items} için katalog ve fiyat listesi rica ederiz.",
    ),
}

#: Optional second sentences per language.
EXTRAS: dict[str, tuple[str, ...]] = {
    "en": (
        "Trial order first, then regular container orders.",
        "Please quote FOB Busan and CIF prices.",
        "Private label is a plus.",
        "Samples required before the first order.",
    ),
    "es": (
        "Primero un pedido de prueba y luego pedidos regulares.",
        "Por favor coticen precios FOB Busan y CIF.",
        "Nos interesa la marca propia.",
        "Necesitamos muestras antes del primer pedido.",
    ),
    "pt": (
        "Primeiro um pedido teste, depois pedidos regulares.",
        "Favor cotar preços FOB Busan e CIF.",
        "Temos interesse em marca própria.",
        "Precisamos de amostras antes do primeiro pedido.",
    ),
    "fr": (
        "D'abord une commande test, puis des commandes régulières.",
        "Merci d'indiquer vos prix FOB Busan et CIF.",
        "Marque de distributeur appréciée.",
        "Échantillons souhaités avant la première commande.",
    ),
    "de": (
        "Zunächst eine Probebestellung, danach regelmäßige Aufträge.",
        "Bitte Preise FOB Busan und CIF angeben.",
        "Eigenmarke (Private Label) erwünscht.",
        "Muster vor der ersten Bestellung erforderlich.",
    ),
    "vi": (
        "Đặt hàng thử trước, sau đó đặt hàng định kỳ.",
        "Vui lòng báo giá FOB Busan và CIF.",
        "Có nhu cầu làm nhãn riêng.",
        "Cần hàng mẫu trước khi đặt đơn đầu tiên.",
    ),
    "zh": ("先试订单，之后定期下单。", "请报FOB釜山价和CIF价。", "可接受贴牌（OEM）。", "首单前需要样品。"),
    "ja": (
        "まずテスト注文、その後定期発注を予定しています。",
        "FOB釜山とCIFの価格をご提示ください。",
        "OEM（プライベートブランド）も希望します。",
        "初回発注前にサンプルが必要です。",
    ),
    "ar": (
        "طلبية تجريبية أولاً ثم طلبات منتظمة.",
        "يرجى تقديم أسعار FOB بوسان وCIF.",
        "نهتم بالعلامة التجارية الخاصة.",
        "نحتاج إلى عينات قبل الطلب الأول.",
    ),
    "id": (
        "Pesanan percobaan dulu, lalu pesanan rutin.",
        "Mohon penawaran harga FOB Busan dan CIF.",
        "Tertarik dengan private label.",
        "Perlu sampel sebelum pesanan pertama.",
    ),
    "ru": (
        "Сначала пробная партия, затем регулярные поставки.",
        "Просим указать цены FOB Пусан и CIF.",
        "Интересует производство под нашей торговой маркой.",
        "Перед первым заказом нужны образцы.",
    ),
    "th": (
        "สั่งซื้อทดลองก่อน แล้วจึงสั่งซื้อเป็นประจำ",
        "กรุณาเสนอราคา FOB ปูซานและ CIF",
        "สนใจผลิตภายใต้แบรนด์ของเรา",
        "ต้องการตัวอย่างสินค้าก่อนสั่งซื้อครั้งแรก",
    ),
    "tr": (
        "Önce deneme siparişi, ardından düzenli siparişler.",
        "Lütfen FOB Busan ve CIF fiyat veriniz.",
        "Özel marka üretimi ile ilgileniyoruz.",
        "İlk siparişten önce numune gerekiyor.",
    ),
}

#: How two interest phrases are joined in each language.
JOINERS: dict[str, str] = {"zh": "；", "ja": "、", "ar": "؛ ", "th": " และ "}
DEFAULT_JOINER = "; "

#: Contacts' job titles by language (cultures without their own list use English).
TITLES: dict[str, tuple[str, ...]] = {
    "en": (
        "Purchasing Manager",
        "Import Manager",
        "General Manager",
        "CEO",
        "Sourcing Director",
        "Category Manager",
        "Managing Director",
        "Procurement Officer",
        "Owner",
        "Business Development Manager",
    ),
    "es": (
        "Gerente de Compras",
        "Director General",
        "Jefe de Importaciones",
        "Gerente Comercial",
        "Comprador",
    ),
    "pt": (
        "Gerente de Compras",
        "Diretor Comercial",
        "Comprador",
        "Diretor-Presidente",
        "Gerente de Importação",
    ),
    "fr": ("Responsable des achats", "Directeur général", "Acheteur", "Responsable import", "Gérant"),
    "de": ("Einkaufsleiter", "Geschäftsführer", "Einkäufer", "Leiter Import", "Inhaber"),
    "vi": ("Giám đốc", "Trưởng phòng Mua hàng", "Phó Giám đốc Kinh doanh", "Nhân viên Xuất nhập khẩu"),
    "zh": ("采购经理", "总经理", "进口部主管", "董事长", "业务经理"),
    "ja": ("購買部長", "代表取締役", "営業部課長", "海外調達担当"),
    "id": ("Manajer Pembelian", "Direktur Utama", "Kepala Bagian Impor", "Staf Pengadaan"),
    "ru": ("Директор по закупкам", "Генеральный директор", "Менеджер ВЭД", "Коммерческий директор"),
    "tr": ("Satın Alma Müdürü", "Genel Müdür", "Dış Ticaret Sorumlusu", "Firma Sahibi"),
    "it": ("Responsabile Acquisti", "Amministratore Delegato", "Buyer", "Titolare"),
    "nl": ("Inkoopmanager", "Directeur", "Inkoper", "Eigenaar"),
    "pl": ("Kierownik ds. zakupów", "Prezes Zarządu", "Specjalista ds. importu", "Właściciel"),
}

#: Business types of buyers, with weights.
BUSINESS_TYPES: tuple[tuple[str, float], ...] = (
    ("importer", 30),
    ("distributor", 25),
    ("wholesaler", 15),
    ("retail chain", 8),
    ("online seller", 14),
    ("manufacturer", 8),
)
