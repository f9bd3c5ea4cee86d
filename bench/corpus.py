"""A deterministic generator of synthetic news articles in the seed format, for benchmarks.

The articles are about bilateral relationships between invented-but-plausible people and organisations of real
countries: visits, meetings, agreements signed or planned, sectors, figures. About a third carry web-page chrome
(menus, contact lines, phones, image URLs, tag lists, copyright, share/subscribe/login text). Article `i` depends
only on the seed and `i`, so the 100-article corpus is the first 100 files of the 1,000-article one.

    python -m bench.corpus 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20250511
WORLD_SIZE = 10_000  # the corpus size at which every person and organisation of the world has appeared

# ---------------------------------------------------------------- name pools (invented; none from the seeds)

_NAMES: dict[str, dict[str, str]] = {
    "ru": {
        "male": "Andrei Dmitry Mikhail Alexei Igor Oleg Pavel Konstantin Stanislav Gennady Valery Roman Timur Arkady "
        "Vadim Boris Yegor Fyodor Leonid Maxim Ruslan Vyacheslav Anatoly Grigory Kirill Artyom Denis",
        "female": "Elena Olga Tatiana Natalia Irina Svetlana Marina Ksenia Yulia Anastasia Galina Lyudmila Veronika Daria",
        "last": "Grachev Zhuravlev Korneev Voronin Shcherbakov Tikhonov Abramtsev Melnikov Rybakov Dorofeev Kalinin "
        "Yermolov Gusev Fomin Zaitsev Lazarev Nikitin Polyakov Savelyev Tarasov Ushakov Frolov Kharitonov Tsvetkov "
        "Chernov Sharapov Yakovlev Belyakov Gromov Shubin Rodionov Pakhomov Avdeev Kiselyov Lebedinsky Sokolovsky "
        "Zavadsky Dubrovsky Malinovsky Vorobyov Seleznyov Yefremov Mironenko Starovoitov Bogdanov Kolesnikov",
        "patronymic": "Ivanov Petrov Sergeyev Alexandrov Nikolayev Viktorov Mikhailov Yuryev Vladimirov Borisov Olegov "
        "Pavlov Gennadyev Anatolyev Grigoryev Dmitriyev Konstantinov Romanov Leonidov Fyodorov",
    },
    "kz": {
        "male": "Nurlan Yerlan Aidos Daulet Serik Bakhyt Marat Kanat Askar Arman Zhanibek Talgat",
        "female": "Aigerim Dana Gulnara Saule Madina Aliya Zhanna Dinara",
        "last": "Abenov Zhaksybekov Tokayev Sarsenbayev Nurpeisov Kuanyshev Iskakov Baimukhanov Omarov Tleuov "
        "Zhumabekov Yesimov Dzhaksybayev Ospanov",
        "patronymic": "Serikov Maratov Nurlanov Kanatov Askarov Bakhytov",
    },
    "vi": {
        "family": "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Mai Tạ",
        "middle_m": "Văn Minh Đức Quốc Thanh Hữu Xuân Công Đình Trọng Quang Mạnh",
        "middle_f": "Thị Thu Ngọc Thanh Minh Kim Hồng Bích",
        "male": "Hùng Dũng Tuấn Hải Long Nam Khánh Quang Sơn Thắng Trung Việt Bình Cường Phúc Toàn Hiếu Huy Kiên Đạt",
        "female": "Phương Lan Hương Thảo Hà Linh Mai Trang Nhung Yến Vân Hạnh Ngân Quyên",
    },
    "en": {
        "male": "James Robert Michael David Richard Thomas Charles Daniel Matthew Andrew Jonathan Peter Simon Gregory "
        "Nathan Oliver Henry Edward",
        "female": "Sarah Emily Jennifer Laura Rebecca Catherine Margaret Rachel Hannah Victoria Claire Alison Fiona",
        "last": "Whitfield Harrington Caldwell Pemberton Ashworth Blackwood Fairbanks Holloway Kingsley Lockhart "
        "Merriweather Norcott Prescott Radcliffe Sinclair Thornbury Wexford Yardley Hargreaves Ellery Dunmore "
        "Carrington Beaumont Aldridge Gallagher Montgomery Rutherford Stanhope",
    },
    "de": {
        "male": "Matthias Stefan Jürgen Wolfgang Tobias Florian Andreas Markus Dieter Jörg Lukas Sebastian",
        "female": "Sabine Katrin Ursula Birgit Annika Franziska Heike Jutta Lena",
        "last": "Brückner Hoffmeister Kessler Lindemann Oberhauser Pfeiffer Reinhardt Schäfer Vogelsang Wendler "
        "Ziegler Baumgartner Eichhorn Falkenberg Großmann Hübner Käfer Lorenzen Mühlbauer Nußbaum",
    },
    "fr": {
        "male": "Étienne Laurent Olivier Thierry Pascal Benoît Rémi Julien François Mathieu Hervé Guillaume",
        "female": "Camille Élodie Isabelle Sophie Margaux Hélène Céline Aurélie Nathalie",
        "last": "Delacroix Fournier Lefebvre Marchand Rousseau Vasseur Girardot Lemaire Bonnefoy Chevalier Duplessis "
        "Garnier Mercier Perrault Thibault Beaulieu",
    },
    "in": {
        "male": "Rajesh Vikram Anil Suresh Arjun Rohan Sanjay Deepak Harish Karthik Pradeep Manoj Aditya",
        "female": "Priya Ananya Kavita Meera Sunita Lakshmi Divya Shalini Nandini",
        "last": "Iyer Raghunathan Deshpande Kulkarni Chatterjee Banerjee Mehta Srinivasan Venkataraman Reddy "
        "Bhattacharya Malhotra Subramaniam Chaudhary Nair Joshi Trivedi",
    },
    "ar": {
        "male": "Khalid Saeed Omar Faisal Hamad Mansour Yousef Tariq Abdullah Rashid Sultan Nasser Majid Hamdan",
        "female": "Fatima Mariam Noura Aisha Huda Layla Amal Reem",
        "last": "Al Mansouri|Al Dhaheri|Al Suwaidi|Al Kaabi|Al Nuaimi|Al Marzouqi|Al Harthy|Al Balushi|Al Otaibi|"
        "Al Qahtani|El Sayed|Abdel Rahman|Al Shamsi|Al Falasi",
    },
    "ja": {
        "male": "Takeshi Hiroshi Kenji Daisuke Kazuo Masato Ryota Shinji Tetsuya Yusuke Haruki Satoshi",
        "female": "Yuko Akiko Naomi Haruka Keiko Emiko Sayaka",
        "last": "Morimoto Takahashi Nakamura Kobayashi Yamaguchi Fujiwara Matsuda Hasegawa Ishikawa Okabe "
        "Sakamoto Tanizaki Uchida Watanabe Kurosawa",
    },
    "ko": {
        "family": "Park Kim Lee Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon",
        "male": "Ji-hoon Min-jun Seung-woo Dong-hyun Jae-sung Hyun-woo Sung-min Tae-yang Young-soo Kyung-ho",
        "female": "Soo-jin Ji-yeon Eun-ji Hye-won Min-seo Yoo-na Seo-yeon",
    },
    "zh": {
        "family": "Zhang Wang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Zhu Hu Guo He Gao Lin",
        "male": "Weiming Jianguo Haitao Zhiqiang Xiaodong Guoqing Jun Lei Tao Bin Hongwei Yongjun",
        "female": "Xiaoling Meihua Lijuan Yan Jing Hui Xiuying",
    },
    "id": {
        "male": "Budi Agus Hendra Rizal Dedi Joko Bambang Arief Fajar Hadi Teguh Yusuf",
        "female": "Sri Dewi Ratna Wulan Indah Siti Ayu",
        "last": "Santoso Wibowo Prasetyo Hidayat Kusuma Setiawan Gunawan Nugroho Saputra Siregar Hutapea "
        "Wirawan Sudarmono Pangaribuan",
    },
    "pt": {
        "male": "João Rodrigo Fernando Gustavo Ricardo Eduardo Marcelo Paulo Thiago Leonardo Sérgio",
        "female": "Ana Beatriz Luísa Camila Fernanda Patrícia Mariana Juliana",
        "last": "Ferreira da Silva|Albuquerque|Carvalho|Nogueira|Monteiro|Azevedo|Figueiredo|Barbosa|Guimarães|"
        "Magalhães|Cavalcanti|Teixeira Lopes|Vasconcelos|Sampaio|Quintela",
    },
    "es": {
        "male": "Carlos Alejandro Javier Sebastián Andrés Mateo Rodrigo Emilio Ignacio Joaquín Raúl Tomás",
        "female": "María Lucía Valentina Camila Isabel Gabriela Florencia Ximena",
        "last": "Méndez Ruiz|Herrera|Castañeda|Villanueva|Echeverría|Iturbide|Montoya|Zamora Peña|Olivares|"
        "Bustamante|Cárdenas|Fuentes|Salazar|Valdés|Arriaga",
    },
    "tr": {
        "male": "Mehmet Mustafa Emre Burak Serkan Oğuz Kaan Murat Hakan Cem Tolga Volkan",
        "female": "Ayşe Elif Zeynep Selin Gül Derya Esra",
        "last": "Yıldırım Çelik Aydın Öztürk Kılıç Şahin Doğan Arslan Koç Kurt Özdemir Çakır Erdem Güneş",
    },
    "pl": {
        "male": "Łukasz Tomasz Krzysztof Paweł Grzegorz Marcin Piotr Wojciech Michał",
        "female": "Agnieszka Małgorzata Katarzyna Joanna Magdalena",
        "last": "Wiśniewski Zieliński Kamiński Lewandowski Dąbrowski Kozłowski Jankowski Wójcik Mazur Krawczyk",
    },
    "no": {
        "male": "Øystein Håkon Bjørn Erlend Sindre Torbjørn Espen Magnus",
        "female": "Ingrid Solveig Kari Hege Marit Åse",
        "last": "Haugland Strømme Bakken Lie Nygård Solberg Hovland Aasen Dahle Fjeldstad",
    },
    "ng": {
        "male": "Chukwuemeka Oluwaseun Babatunde Adebayo Ifeanyi Chinedu Olumide Tunde Emeka Kelechi",
        "female": "Ngozi Funmilayo Chiamaka Adaeze Yetunde Folake",
        "last": "Okonkwo Adeyemi Oyelaran Nwosu Eze Okafor Balogun Ogunleye Adewale Nnamdi Olatunji",
    },
    "it": {
        "male": "Giovanni Alessandro Matteo Lorenzo Riccardo Francesco Stefano Davide Massimo",
        "female": "Giulia Chiara Francesca Alessandra Valeria Federica",
        "last": "Bellucci Marchetti Santoro Ferraro Cattaneo Galli Lombardi Moretti Rinaldi Barbieri Caruso",
    },
    "fa": {
        "male": "Reza Mohammad Hossein Mehdi Ali Amir Hamid Saeed Behrouz Kourosh",
        "female": "Maryam Shirin Leila Parisa Nasrin",
        "last": "Tehrani Karimi Rahimi Hosseini Ahmadi Jafari Moradi Rostami Sadeghi Farahani",
    },
    "th": {
        "male": "Somchai Prasert Anan Surachai Wichai Kittisak Thanakorn Chatchai",
        "female": "Siriporn Pranee Wanida Kanokwan Malee",
        "last": "Srisuk Wongsawat Charoenkul Rattanakorn Suwannarat Chaiyaporn Boonmee Thongchai",
    },
    "sw": {
        "male": "Baraka Juma Otieno Kamau Mwangi Odhiambo Kipchoge Ochieng",
        "female": "Wanjiru Achieng Amani Zawadi Nyokabi",
        "last": "Kariuki Wafula Mutua Njoroge Omondi Kibet Chege Owino",
    },
}

# name, alternative spelling (used by some outlets), demonym, capital, name culture, regions, leader titles
_COUNTRIES: list[tuple[str, str | None, str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("Russia", None, "Russian", "Moscow", "ru", ("Siberia", "the Far East", "the Urals", "Tatarstan", "the Arctic"), ("President", "Prime Minister", "Chairman of the State Duma")),
    ("Vietnam", "Việt Nam", "Vietnamese", "Hanoi", "vi", ("the Mekong Delta", "Quảng Ninh Province", "Bình Định Province", "the Central Highlands", "Ninh Thuận Province"), ("General Secretary of the Communist Party of Vietnam", "President", "Prime Minister", "Chairman of the National Assembly")),
    ("Kazakhstan", None, "Kazakh", "Astana", "kz", ("Mangystau Region", "Atyrau Region", "Karaganda Region"), ("President", "Prime Minister")),
    ("Belarus", None, "Belarusian", "Minsk", "ru", ("Gomel Region", "Brest Region", "Vitebsk Region"), ("President", "Prime Minister")),
    ("United States", None, "American", "Washington", "en", ("Texas", "California", "Louisiana", "Ohio"), ("President", "Secretary of State", "Secretary of Commerce")),
    ("United Kingdom", None, "British", "London", "en", ("Scotland", "the North Sea", "Yorkshire", "Wales"), ("Prime Minister", "Foreign Secretary", "Business Secretary")),
    ("Australia", None, "Australian", "Canberra", "en", ("Western Australia", "Queensland", "New South Wales"), ("Prime Minister", "Trade Minister")),
    ("Canada", None, "Canadian", "Ottawa", "en", ("Alberta", "British Columbia", "Ontario"), ("Prime Minister", "Minister of International Trade")),
    ("Germany", None, "German", "Berlin", "de", ("Bavaria", "Lower Saxony", "Saxony", "the Ruhr"), ("Chancellor", "President", "Vice Chancellor")),
    ("Austria", None, "Austrian", "Vienna", "de", ("Styria", "Tyrol", "Upper Austria"), ("Chancellor", "President")),
    ("France", None, "French", "Paris", "fr", ("Normandy", "Occitanie", "Brittany", "Provence"), ("President", "Prime Minister")),
    ("Belgium", None, "Belgian", "Brussels", "fr", ("Flanders", "Wallonia", "Antwerp Province"), ("Prime Minister", "King")),
    ("India", None, "Indian", "New Delhi", "in", ("Gujarat", "Tamil Nadu", "Maharashtra", "Odisha"), ("Prime Minister", "President", "External Affairs Minister")),
    ("United Arab Emirates", "UAE", "Emirati", "Abu Dhabi", "ar", ("Abu Dhabi", "Dubai", "Sharjah", "Fujairah"), ("President", "Vice President", "Crown Prince")),
    ("Saudi Arabia", None, "Saudi", "Riyadh", "ar", ("the Eastern Province", "NEOM", "Jeddah"), ("Crown Prince", "King", "Minister of Investment")),
    ("Qatar", None, "Qatari", "Doha", "ar", ("Ras Laffan", "Doha"), ("Emir", "Prime Minister")),
    ("Egypt", None, "Egyptian", "Cairo", "ar", ("the Suez Canal Economic Zone", "Alexandria", "Aswan"), ("President", "Prime Minister")),
    ("Oman", None, "Omani", "Muscat", "ar", ("Duqm", "Sohar", "Salalah"), ("Sultan", "Deputy Prime Minister")),
    ("Japan", None, "Japanese", "Tokyo", "ja", ("Hokkaido", "Kyushu", "Osaka Prefecture"), ("Prime Minister", "Foreign Minister")),
    ("South Korea", "the Republic of Korea", "South Korean", "Seoul", "ko", ("Busan", "Ulsan", "Gyeonggi Province"), ("President", "Prime Minister")),
    ("China", None, "Chinese", "Beijing", "zh", ("Guangdong Province", "Yunnan Province", "Shandong Province", "Hainan"), ("President", "Premier", "Vice Premier")),
    ("Singapore", None, "Singaporean", "Singapore", "zh", ("Jurong Island", "Tuas"), ("Prime Minister", "President")),
    ("Indonesia", None, "Indonesian", "Jakarta", "id", ("East Kalimantan", "Sulawesi", "Riau Islands", "Papua"), ("President", "Coordinating Minister for Economic Affairs")),
    ("Malaysia", None, "Malaysian", "Kuala Lumpur", "id", ("Sarawak", "Johor", "Penang"), ("Prime Minister", "King")),
    ("Brazil", None, "Brazilian", "Brasília", "pt", ("São Paulo State", "Minas Gerais", "Bahia", "the Amazon"), ("President", "Vice President")),
    ("Portugal", None, "Portuguese", "Lisbon", "pt", ("the Algarve", "Porto", "the Azores"), ("Prime Minister", "President")),
    ("Mexico", None, "Mexican", "Mexico City", "es", ("Nuevo León", "Veracruz", "Yucatán"), ("President", "Secretary of Economy")),
    ("Argentina", None, "Argentine", "Buenos Aires", "es", ("Patagonia", "Córdoba Province", "Mendoza"), ("President", "Foreign Minister")),
    ("Chile", None, "Chilean", "Santiago", "es", ("the Atacama", "Valparaíso", "Antofagasta"), ("President", "Minister of Mining")),
    ("Spain", None, "Spanish", "Madrid", "es", ("Andalusia", "Catalonia", "Galicia"), ("Prime Minister", "King")),
    ("Turkey", "Türkiye", "Turkish", "Ankara", "tr", ("Istanbul", "Mersin Province", "Izmir"), ("President", "Vice President")),
    ("Azerbaijan", None, "Azerbaijani", "Baku", "tr", ("the Caspian shelf", "Sumgait"), ("President", "Prime Minister")),
    ("Poland", None, "Polish", "Warsaw", "pl", ("Silesia", "Pomerania", "Masovia"), ("Prime Minister", "President")),
    ("Norway", None, "Norwegian", "Oslo", "no", ("the North Sea", "Hammerfest", "Stavanger"), ("Prime Minister", "Minister of Trade")),
    ("Nigeria", None, "Nigerian", "Abuja", "ng", ("Lagos State", "the Niger Delta", "Kano State"), ("President", "Vice President")),
    ("Italy", None, "Italian", "Rome", "it", ("Lombardy", "Sicily", "Puglia"), ("Prime Minister", "President")),
    ("Iran", None, "Iranian", "Tehran", "fa", ("Bushehr Province", "Khuzestan", "Isfahan"), ("President", "First Vice President")),
    ("Thailand", None, "Thai", "Bangkok", "th", ("the Eastern Economic Corridor", "Chonburi", "Phuket"), ("Prime Minister", "Deputy Prime Minister")),
    ("Kenya", None, "Kenyan", "Nairobi", "sw", ("Mombasa", "the Rift Valley", "Turkana"), ("President", "Cabinet Secretary for Trade")),
    ("Tanzania", None, "Tanzanian", "Dodoma", "sw", ("Zanzibar", "Mtwara", "Dar es Salaam"), ("President", "Prime Minister")),
]

# sector key (from bot/ingest/lexicon/sectors.json) → topics that use the taxonomy's words
SECTOR_TOPICS: dict[str, tuple[str, ...]] = {
    "energy": ("energy security", "power generation", "power grid interconnection", "the modernisation of thermal power plants", "electricity trade"),
    "oil-and-gas": ("oil and gas exploration", "offshore oil production", "the expansion of a refinery", "gas pipeline construction", "petroleum product supplies", "hydrocarbon exploration on the continental shelf"),
    "lng": ("LNG supplies", "the construction of an LNG terminal", "liquefied natural gas shipments", "LPG deliveries"),
    "nuclear": ("the peaceful use of atomic energy", "the construction of a nuclear power plant", "nuclear fuel supplies", "a nuclear research reactor", "uranium mining"),
    "renewables": ("offshore wind power", "solar power", "green hydrogen production", "renewable energy", "onshore wind farms", "geothermal energy"),
    "hydro": ("the reconstruction of hydropower plants", "hydroelectric infrastructure", "a pumped-storage dam"),
    "defence": ("defence cooperation", "military education", "the defence industry", "joint army exercises"),
    "military-technology": ("military technology", "military-technical cooperation", "the maintenance of military equipment"),
    "naval": ("naval exercises", "warship repairs", "navy officer training", "submarine maintenance"),
    "healthcare": ("healthcare", "hospital construction", "pharmaceutical production", "public health", "medical equipment"),
    "biomedicine": ("biomedicine", "biotechnology research", "genomics", "life sciences"),
    "vaccines": ("vaccine production", "vaccination programmes", "the joint development of vaccines"),
    "education": ("education and training", "student exchanges", "scholarships for students", "vocational training"),
    "language": ("language teaching", "a language centre", "teaching the Russian language"),
    "universities": ("university partnerships", "higher education", "joint academy programmes"),
    "technology": ("information technology", "semiconductors", "digital transformation", "artificial intelligence", "software development", "telecommunications", "microelectronics", "data centres"),
    "cybersecurity": ("cybersecurity", "combating cybercrime", "information security", "the fight against high-tech crime"),
    "maritime": ("shipbuilding", "maritime transport", "seaport development", "search and rescue at sea", "the marine economy"),
    "aviation": ("direct flights", "aircraft maintenance", "air connectivity", "airport construction"),
    "tourism": ("tourism", "visa facilitation for tourists", "resort development"),
    "trade": ("trade and investment", "payments in national currencies", "banking", "customs procedures", "a free trade agreement", "export credit", "investment protection"),
    "automotive": ("car manufacturing", "electric vehicles", "truck assembly", "bus production"),
    "science": ("scientific research", "joint laboratories", "R&D", "research exchanges"),
    "agriculture": ("agriculture", "rice exports", "fertilizer supplies", "fisheries", "food security", "grain trade"),
    "transport": ("railway construction", "logistics", "supply chains", "road infrastructure", "a metro line"),
    "culture": ("cultural exchanges", "film co-production", "museum cooperation", "sports exchanges"),
    "mining": ("rare earth mining", "coal supplies", "bauxite processing", "the mining of critical minerals"),
    "space": ("satellite navigation", "space exploration", "satellite launches"),
    "security": ("counter-terrorism", "law enforcement cooperation", "non-traditional security challenges"),
    "diplomacy": ("the strategic partnership", "bilateral relations", "foreign policy coordination"),
}
SECTORS = tuple(k for k in SECTOR_TOPICS if k != "diplomacy")

_SECTOR_NOUN: dict[str, tuple[str, ...]] = {
    "energy": ("Energy", "Power", "Grid"), "oil-and-gas": ("Petroleum", "Oil & Gas", "Oil"), "lng": ("LNG",),
    "nuclear": ("Atomic Energy", "Nuclear"), "renewables": ("Renewables", "Solar", "Wind Power"), "hydro": ("Hydropower",),
    "defence": ("Defence Industries", "Arms"), "military-technology": ("Defence Systems",), "naval": ("Shipyards", "Naval Systems"),
    "healthcare": ("Medical", "Pharmaceuticals", "Health"), "biomedicine": ("Biotech", "Life Sciences"), "vaccines": ("Vaccines", "Biologicals"),
    "education": ("Education",), "language": ("Language",), "universities": ("University",),
    "technology": ("Technologies", "Semiconductor", "Telecom", "Digital", "Software"), "cybersecurity": ("Cyber Defence", "Security Systems"),
    "maritime": ("Shipping", "Shipbuilding", "Ports"), "aviation": ("Airlines", "Aviation", "Aerospace"), "tourism": ("Travel", "Resorts"),
    "trade": ("Bank", "Investment", "Capital", "Trading"), "automotive": ("Motors", "Automotive"),
    "science": ("Research",), "agriculture": ("Agro", "Fertilizers", "Foods"), "transport": ("Railways", "Logistics"),
    "culture": ("Media", "Film"), "mining": ("Mining", "Metals", "Minerals"), "space": ("Space Systems", "Satellite"),
    "security": ("Security",),
}
_RU_SUFFIX = {"oil-and-gas": "neftegaz", "energy": "energo", "nuclear": "atom", "lng": "gaz", "renewables": "veter",
              "technology": "tekh", "maritime": "flot", "aviation": "avia", "healthcare": "farm", "agriculture": "agro",
              "trade": "bank", "transport": "trans", "mining": "met", "space": "kosmos", "automotive": "mash",
              "defence": "oboron", "naval": "sudprom", "hydro": "gidro", "cybersecurity": "zashchita"}
_RU_STEMS = "Sevmor Volga Ural Sibir Baltik Yamal Vostok Zapad Tayga Pechora Kama Angara Amur Lena Irtysh Onega Neva Taimyr".split()
_BRANDS = ("Avantis Meridian Solaris Borealis Helion Orion Vega Altair Arcadia Zenith Polaris Kestrel Sable Cobalt Falcon "
           "Atlas Aurora Pinnacle Horizon Summit Crescent Lotus Jade Amber Granite Silverline Bluewater Redstone Greenfield "
           "Evergreen Northstar Sunrise Caspian Andean Saharan Mekong Danube Lumen Novara Tessera Corvid Halcyon Veridian").split()
_CORP = ("Group", "Corporation", "Holdings", "Company", "JSC", "Ltd", "Industries", "International")

_PORTFOLIOS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Minister of Energy", ("energy", "oil-and-gas", "lng", "renewables", "hydro", "nuclear")),
    ("Minister of Industry and Trade", ("trade", "automotive", "mining", "energy")),
    ("Minister of Foreign Affairs", ("diplomacy", "trade", "culture")),
    ("Minister of Defence", ("defence", "military-technology", "naval")),
    ("Minister of Health", ("healthcare", "biomedicine", "vaccines")),
    ("Minister of Education and Training", ("education", "language", "universities")),
    ("Minister of Science and Technology", ("science", "technology", "space", "nuclear")),
    ("Minister of Digital Development", ("technology", "cybersecurity")),
    ("Minister of Transport", ("transport", "aviation", "maritime")),
    ("Minister of Agriculture", ("agriculture",)),
    ("Minister of Finance", ("trade",)),
    ("Minister of Culture, Sports and Tourism", ("culture", "tourism")),
    ("Minister of Public Security", ("security", "cybersecurity")),
    ("Deputy Prime Minister", ("trade", "energy", "transport")),
    ("Minister of Natural Resources", ("mining", "oil-and-gas", "agriculture")),
)

# fictional outlets: name, signature code, domain, phone, chrome style, writes names without diacritics
_OUTLETS = (
    ("Mekong Daily Herald", "MDH", "mekongherald.vn", "+84 24 3825 1190", "portal", False),
    ("Eurasia Wire", "EAW", "eurasiawire.com", "+7 495 645 2210", "wire", True),
    ("Gulf Business Review", "GBR", "gulfbusinessreview.ae", "+971 4 390 1122", "news", True),
    ("The Continental Ledger", "TCL", "continentalledger.com", "+44 20 7946 0321", "news", True),
    ("Pacific Rim Post", "PRP", "pacificrimpost.com", "+65 6123 4488", "portal", True),
    ("Baltic Courier", "BCN", "balticcourier.eu", "+48 22 555 0147", "news", True),
    ("Southern Cross Monitor", "SCM", "southerncrossmonitor.au", "+61 2 9555 0199", "news", True),
    ("Andes Economic Journal", "AEJ", "andesjournal.com", "+56 2 2555 0133", "portal", False),
    ("Steppe News Agency", "SNA", "steppenews.kz", "+7 7172 55 01 22", "wire", True),
    ("Asia Trade Chronicle", "ATC", "asiatradechronicle.com", "+852 3555 0188", "news", True),
    ("Danube Observer", "DOB", "danubeobserver.eu", "+43 1 555 0102", "portal", False),
    ("Indian Ocean Times", "IOT", "indianoceantimes.com", "+91 22 5555 0170", "news", True),
    ("Hanoi Economic Times", "HET", "hanoieconomictimes.vn", "+84 24 3936 2211", "portal", False),
    ("Global Maritime Gazette", "GMG", "maritimegazette.com", "+31 10 555 0164", "wire", True),
)
_SECTIONS = ("World", "Politics", "Business", "Economy", "Energy", "Technology", "Defence", "Science & Tech",
             "Asia-Pacific", "Europe", "Middle East", "Africa", "Americas", "Opinion", "Multimedia", "Sport")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# ---------------------------------------------------------------- the world: countries, organisations, people


@dataclass
class Org:
    name: str
    acronym: str | None
    kind: str  # company | bank | university | board | fund | agency
    sector: str
    country: "Country"
    description: str

    def first(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def short(self) -> str:
        return self.acronym or self.name


@dataclass
class Person:
    name: str  # as first written, full
    ref: str  # how later sentences refer to them
    he: str
    title: str  # "General Director", "Minister of Energy"
    org: Org | None
    country: "Country"
    sectors: tuple[str, ...]

    def role(self) -> str:
        if self.org is None:
            return self.title
        if self.title.startswith("Chairman of the") or self.title.startswith("founder") or self.title.startswith("co-founder"):
            return self.title
        return f"{self.title} of {self.org.name}"


@dataclass
class Country:
    name: str
    alt: str | None
    demonym: str
    capital: str
    culture: str
    regions: tuple[str, ...]
    leader_titles: tuple[str, ...]
    leaders: list[Person] = field(default_factory=list)
    officials: list[Person] = field(default_factory=list)
    executives: list[Person] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)


def _acronym(words: str) -> str:
    skip = {"of", "the", "and", "for", "&", "in", "on"}
    return "".join(w[0].upper() for w in words.replace("-", " ").split() if w.lower() not in skip and w[0].isalpha())


def _make_name(rng: random.Random, culture: str) -> tuple[str, str, str]:
    """(full name, the form later sentences use, pronoun)."""
    pool = _NAMES[culture]
    female = rng.random() < 0.28
    he = "she" if female else "he"
    first = rng.choice(pool["female" if female else "male"].split())
    if culture in ("ru", "kz"):
        last = rng.choice(pool["last"].split())
        if female:
            last = last[:-1] + "aya" if last.endswith("sky") else last + "a"
        if rng.random() < 0.45:
            patronymic = rng.choice(pool["patronymic"].split()) + ("na" if female else "ich")
            if rng.random() < 0.25:
                return f"{last} {first} {patronymic}", last, he
            return f"{first} {patronymic} {last}", last, he
        return f"{first} {last}", last, he
    if culture == "vi":
        family = rng.choice(pool["family"].split())
        middle = rng.choice(pool["middle_f" if female else "middle_m"].split())
        return f"{family} {middle} {first}", first, he
    if culture in ("ko", "zh"):
        family = rng.choice(pool["family"].split())
        return f"{family} {first}", family, he
    if culture == "ar":
        last = rng.choice(pool["last"].split("|"))
        if not female and rng.random() < 0.5:
            father = rng.choice(pool["male"].split())
            return f"{first} bin {father} {last}", last, he
        return f"{first} {last}", last, he
    if culture in ("pt", "es"):
        last = rng.choice(pool["last"].split("|"))
        return f"{first} {last}", last.split()[0] if culture == "es" else last.split()[-1], he
    last = rng.choice(pool["last"].split())
    if culture == "id" and rng.random() < 0.2:
        return last, last, he
    if culture == "en" and rng.random() < 0.15:
        middle = rng.choice("A. B. C. D. E. J. K. L. M. R. T. W.".split())
        return f"{first} {middle} {last}", last, he
    return f"{first} {last}", last, he


def _make_org(rng: random.Random, country: Country, sector: str, kind: str) -> Org:
    noun = rng.choice(_SECTOR_NOUN[sector])
    demonym, cname = country.demonym, country.name
    if kind == "company":
        style = rng.random()
        if country.culture in ("ru", "kz") and sector in _RU_SUFFIX and style < 0.5:
            name = rng.choice(_RU_STEMS) + _RU_SUFFIX[sector]
            acronym = None
        elif style < 0.72:
            name = f"{cname} National {noun} {rng.choice(('Group', 'Corporation', 'Company'))}"
            acronym = _acronym(name)
        else:
            name = f"{rng.choice(_BRANDS)} {noun} {rng.choice(_CORP)}"
            acronym = _acronym(name) if rng.random() < 0.3 else None
        description = rng.choice((
            f"one of {cname}'s leading {sector.replace('-', ' ')} companies",
            f"a {demonym} {noun.lower()} company",
            f"a major {demonym} group active in {SECTOR_TOPICS[sector][0]}",
            f"{cname}'s largest private {noun.lower()} firm, established in {rng.randint(1962, 2016)}",
        ))
    elif kind == "bank":
        name = rng.choice((f"{demonym} Development Bank", f"Bank for Foreign Trade of {cname}",
                           f"{rng.choice(_BRANDS)} Commercial Bank", f"{country.capital} Export-Import Bank"))
        acronym = _acronym(name) if rng.random() < 0.7 else None
        description = f"a {demonym} state-owned bank"
    elif kind == "university":
        name = rng.choice((f"{country.capital} State University", f"National University of {cname}",
                           f"{cname} Institute of Technology", f"{demonym} Academy of Sciences",
                           f"{country.capital} Polytechnic University", f"{rng.choice(country.regions).removeprefix('the ')} Federal University"))
        acronym = _acronym(name) if rng.random() < 0.6 else None
        description = f"a leading {demonym} university"
    elif kind == "board":
        topic = {"maritime": "Maritime", "naval": "Maritime", "security": "Security", "space": "Space",
                 "science": "Science and Technology", "technology": "Digital Economy"}.get(sector, noun)
        name = rng.choice((f"{demonym} {topic} Board", f"{demonym} Council for {topic}", f"State Commission on {topic}"))
        acronym = None
        description = f"a {demonym} state body"
    elif kind == "fund":
        name = rng.choice((f"{demonym} Direct Investment Fund", f"{cname} Sovereign Wealth Fund",
                           f"{demonym} Infrastructure Fund", f"{rng.choice(_BRANDS)} Capital Partners"))
        acronym = _acronym(name) if rng.random() < 0.8 else None
        description = f"{cname}'s {rng.choice(('sovereign wealth fund', 'state investment vehicle', 'infrastructure investor'))}"
    else:  # agency
        name = rng.choice((f"{demonym} Space Agency", f"{demonym} Atomic Energy Agency", f"{cname} Investment Promotion Agency",
                           f"{demonym} Civil Aviation Authority", f"{demonym} Trade Promotion Agency"))
        sector = {"Space": "space", "Atomic": "nuclear", "Aviation": "aviation"}.get(
            next((w for w in ("Space", "Atomic", "Aviation") if w in name), ""), "trade")
        acronym = _acronym(name)
        description = f"a {demonym} government agency"
    return Org(name, acronym, kind, sector, country, description)


_ORG_TITLES = {
    "company": ("General Director", "Chief Executive Officer", "Chairman of the Board of Directors", "President",
                "founder", "co-founder", "Deputy General Director", "Vice President", "Managing Director"),
    "bank": ("Chairman", "Chief Executive Officer", "First Deputy Chairman"),
    "university": ("Rector", "Vice Rector", "President"),
    "board": ("Chairman", "Deputy Chairman", "Secretary"),
    "fund": ("Chief Executive Officer", "Managing Partner"),
    "agency": ("Director General", "Head", "Deputy Director General"),
}


def _build_world(seed: int) -> list[Country]:
    rng = random.Random(f"{seed}:world")
    countries: list[Country] = []
    seen_names: set[str] = set()
    for name, alt, demonym, capital, culture, regions, leader_titles in _COUNTRIES:
        country = Country(name, alt, demonym, capital, culture, regions, leader_titles)
        kinds = ["company"] * 30 + ["bank"] * 3 + ["university"] * 4 + ["board"] * 3 + ["fund"] * 2 + ["agency"] * 3
        org_names: set[str] = set()
        for kind in kinds:
            for _ in range(5):
                org = _make_org(rng, country, rng.choice(SECTORS), kind)
                if org.name not in org_names:
                    org_names.add(org.name)
                    country.orgs.append(org)
                    break
        rng.shuffle(country.orgs)

        def person(title: str, org: Org | None, sectors: tuple[str, ...]) -> Person:
            for _ in range(8):
                full, ref, he = _make_name(rng, culture)
                if full not in seen_names:
                    break
            seen_names.add(full)
            return Person(full, ref, he, title, org, country, sectors)

        country.leaders = [person(t, None, ("diplomacy",)) for t in leader_titles]
        for _ in range(3):  # ministers come and go: several holders of each portfolio across the years
            for title, sectors in _PORTFOLIOS:
                country.officials.append(person(title, None, sectors))
        rng.shuffle(country.officials)
        for org in country.orgs:
            titles = _ORG_TITLES[org.kind]
            for title in rng.sample(titles, k=min(len(titles), rng.randint(1, 3))):
                if org.kind == "board" and title in ("Chairman", "Deputy Chairman"):
                    title = f"{title} of the {org.name}"
                elif title in ("founder", "co-founder"):
                    title = f"{title} of {org.name}"
                country.executives.append(person(title, org, (org.sector,)))
        rng.shuffle(country.executives)
        countries.append(country)
    return countries


# ---------------------------------------------------------------- writing one article


def _strip_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D").replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _money(rng: random.Random) -> str:
    if rng.random() < 0.55:
        value = rng.choice((rng.randint(1, 40), round(rng.uniform(1, 25), 1)))
        return f"${value} billion"
    return f"${rng.randint(12, 950)} million"


class _Writer:
    """Writes one article; keeps track of who has been introduced so later mentions use short forms."""

    def __init__(self, rng: random.Random, world: list[Country], index: int, total_reach: float) -> None:
        self.rng = rng
        self.world = world
        self.reach = total_reach
        self.introduced: set[str] = set()
        self.orgs_named: set[str] = set()
        a, b = rng.sample(world[:], 2) if rng.random() < 0.6 else (world[rng.randrange(0, 2)], rng.choice(world[2:]))
        self.home, self.guest = (a, b) if rng.random() < 0.5 else (b, a)
        self.outlet = _OUTLETS[rng.randrange(len(_OUTLETS))]
        self.date = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 1095))
        self.sectors = rng.sample(SECTORS, k=rng.randint(3, 6))
        self.agreements: list[str] = []

    def one(self, makers: tuple) -> str:
        """Build only the chosen variant: building a sentence names people, and naming has effects."""
        return self.rng.choice(makers)()

    # -- choosing people and organisations, biased to the early (frequent) ones of each list
    def _pick(self, items: list, minimum: int = 4):
        limit = max(minimum, int(len(items) * self.reach))
        limit = min(limit, len(items))
        return items[int(limit * self.rng.random() ** 1.6)]

    def cname(self, country: Country) -> str:
        return country.alt if country.alt and self.outlet[5] is False and self.rng.random() < 0.7 else country.name

    def leader(self, country: Country) -> Person:
        return country.leaders[0] if self.rng.random() < 0.6 else self.rng.choice(country.leaders)

    def official(self, country: Country, sector: str | None = None) -> Person:
        if sector is not None:
            fitting = [p for p in country.officials[: max(6, int(len(country.officials) * self.reach))] if sector in p.sectors]
            if fitting:
                return self.rng.choice(fitting)
        return self._pick(country.officials, 6)

    def executive(self, country: Country, sector: str | None = None) -> Person:
        pool = country.executives[: max(8, int(len(country.executives) * self.reach))]
        if sector is not None and self.rng.random() < 0.7:
            fitting = [p for p in pool if sector in p.sectors]
            if fitting:
                return self.rng.choice(fitting)
        return self._pick(country.executives, 8)

    def org(self, country: Country, sector: str | None = None) -> Org:
        pool = country.orgs[: max(6, int(len(country.orgs) * self.reach))]
        if sector is not None:
            fitting = [o for o in pool if o.sector == sector]
            if fitting:
                return self.rng.choice(fitting)
        return self._pick(country.orgs, 6)

    # -- naming
    def full(self, person: Person) -> str:
        return self._full(person).rstrip(",")

    def _full(self, person: Person) -> str:
        """First mention: title and name (several word orders); later ones: surname or title + surname."""
        rng = self.rng
        if person.name in self.introduced:
            short_title = person.title.split(" of ")[0] if " of " in person.title else person.title
            return rng.choice((person.ref, person.ref, f"{short_title} {person.ref}", person.ref))
        self.introduced.add(person.name)
        if person.org is not None:
            org = self.org_name(person.org)
            if person.title.startswith(("Chairman of the", "Deputy Chairman of the", "founder", "co-founder")):
                head = person.title.replace(person.org.name, org)
                return rng.choice((f"{head} {person.name}", f"{person.name}, {head},"))
            return self.one((
                lambda: f"{person.title} {person.name} of {org}",
                lambda: f"{person.name}, {person.title} of {org},",
                lambda: f"{org} {person.title} {person.name}",
            ))
        cname = self.cname(person.country)
        return self.one((
            lambda: f"{person.country.demonym} {person.title} {person.name}",
            lambda: f"{person.title} {person.name}",
            lambda: f"{cname}'s {person.title} {person.name}",
        ))

    def org_name(self, org: Org) -> str:
        if org.name in self.orgs_named:
            return org.short()
        self.orgs_named.add(org.name)
        return org.first()

    def topic(self, sector: str) -> str:
        return self.rng.choice(SECTOR_TOPICS[sector])

    # -- sentences
    def lead(self) -> list[str]:
        rng, home, guest = self.rng, self.home, self.guest
        host, visitor = self.leader(home), self.leader(guest)
        d = self.date
        when = rng.choice((f"on {_WEEKDAYS[d.weekday()]}", f"on {_MONTHS[d.month - 1]} {d.day}",
                           f"in the morning of {_MONTHS[d.month - 1]} {d.day} (local time)", "on Thursday", "this week"))
        city = home.capital.upper() if rng.random() < 0.7 else f"{home.capital.upper()}, {_MONTHS[d.month - 1][:3]} {d.day}"
        first = self.one((
            lambda: f"{city} — {self.full(host)} held talks with {self.full(visitor)} {when}, as part of the latter's official visit to {self.cname(home)}.",
            lambda: f"{city} — {self.full(visitor)} received leaders of several leading {home.demonym} enterprises {when}, as part of {'her' if visitor.he == 'she' else 'his'} official visit to {self.cname(home)}.",
            lambda: f"{city} — {self.cname(guest)} and {self.cname(home)} agreed {when} to deepen cooperation in {self.topic(self.sectors[0])} and {self.topic(self.sectors[1])}, after talks between {self.full(host)} and {self.full(visitor)}.",
            lambda: f"{city} — {self.full(visitor)} arrived in {home.capital} {when} for a state visit expected to produce a package of agreements on {self.topic(self.sectors[0])}.",
        ))
        second = self.one((
            lambda: f"The two sides also signed a package of bilateral documents covering {self.topic(self.sectors[1])}, {self.topic(self.sectors[2])} and {self.topic(rng.choice(SECTORS))}.",
            lambda: f"The visit comes as the two countries mark {rng.choice((25, 30, 40, 50, 60, 70, 75))} years of diplomatic relations and seek to lift their relationship to a comprehensive strategic partnership.",
            lambda: f"Officials said the talks focused on {self.topic(self.sectors[0])}, {self.topic(self.sectors[1])} and ways to expand bilateral trade, which {rng.choice(('grew', 'rose', 'increased'))} by {rng.randint(3, 45)}% in {d.year - 1}.",
        ))
        return [first, second]

    def meeting(self) -> list[str]:
        rng = self.rng
        sector = rng.choice(self.sectors)
        exec_ = self.executive(self.home, sector)
        chief = self.leader(self.guest) if rng.random() < 0.5 else self.official(self.guest, sector)
        org = exec_.org
        lines = [self.one((
            lambda: f"Receiving {self.full(exec_)}, {self.full(chief)} affirmed that cooperation in {self.topic(sector)} remains a key pillar of the two countries' relations.",
            lambda: f"In a meeting with {self.full(exec_)}, {self.full(chief)} said {self.cname(chief.country)} attaches importance to {self.topic(sector)} and welcomed {self.org_name(org) if org else 'the company'}'s plans.",
            lambda: f"{self.full(chief).rstrip(',')} also met {self.full(exec_)}, who briefed {'her' if chief.he == 'she' else 'him'} on projects in {self.topic(sector)}.",
        ))]
        if org is not None:
            lines.append(self.one((
                lambda: f"{exec_.ref} noted that {self.org_name(org)} is currently collaborating closely with {self.org_name(self.org(self.guest, sector))} on {self.topic(sector)} projects both in {self.cname(self.guest)} and within {self.cname(self.home)}.",
                lambda: f"{self.org_name(org)}, {org.description}, views {self.cname(self.guest)} as one of its top priority markets in the region and is ready to expand long-term investment.",
                lambda: f"{exec_.he.capitalize()} reported that joint projects in {self.topic(sector)} are progressing efficiently and producing positive results.",
                lambda: f"{exec_.ref} expressed {self.org_name(org)}'s wish to foster long-term partnerships and asked for favourable conditions for the company's expansion in {self.cname(self.guest)}.",
            )))
        lines.append(self.one((
            lambda: f"{chief.ref} welcomed the proposals and pledged to instruct relevant authorities to assist {self.org_name(org) if org else 'the company'} in seeking partners.",
            lambda: f"The {chief.country.demonym} side called for continued discussions to develop a concrete plan for {self.topic(rng.choice(self.sectors))}.",
            lambda: f"Both sides agreed to set up a working group on {self.topic(sector)} before the end of {self.date.year}.",
            lambda: f"{chief.ref} said favourable conditions would be created for such projects, particularly in {self.topic(sector)} and {self.topic(rng.choice(SECTORS))}.",
        )))
        return lines

    def agreement(self) -> list[str]:
        rng = self.rng
        sector = rng.choice(self.sectors)
        topic = self.topic(sector)
        year = rng.choice((2027, 2028, 2030, 2030, 2030, 2035, 2040))
        party_a = self.org(self.home, sector) if rng.random() < 0.6 else None
        party_b = self.org(self.guest, sector) if rng.random() < 0.6 else None
        between = (f"between {self.org_name(party_a)} and {self.org_name(party_b)}" if party_a and party_b
                   else f"between the governments of {self.cname(self.home)} and {self.cname(self.guest)}")
        kind = rng.random()
        if kind < 0.55:  # signed
            doc = self.one((
                lambda: f"a memorandum of understanding on cooperation in {topic}",
                lambda: f"an Agreement on {topic}",
                lambda: f"a roadmap for {topic} cooperation through {year}",
                lambda: f"a contract for {topic}",
                lambda: f"a programme of cooperation in {topic} for {self.date.year}–{year}",
                lambda: f"an intergovernmental agreement on {topic}",
            ))
            self.agreements.append(doc)
            signer = self.full(self.official(self.home, sector)) if rng.random() < 0.5 else self.full(self.executive(self.guest, sector))
            lines = [self.one((
                lambda: f"The two sides signed {doc} {between}.",
                lambda: f"{signer.rstrip(',')} and {self.full(self.official(self.guest, sector)).rstrip(',')} signed {doc}.",
                lambda: f"Among the documents signed was {doc} {between}, which officials said would be implemented from {self.date.year + 1}.",
                lambda: f"{doc[0].upper() + doc[1:]} was signed {between} in the presence of the two leaders.",
            ))]
        elif kind < 0.7:  # adopted
            doc = f"a joint declaration on {rng.choice(('the comprehensive strategic partnership', 'further deepening of bilateral relations', topic, 'the main directions of cooperation until ' + str(year)))}"
            self.agreements.append(doc)
            lines = [f"The leaders adopted {doc}, outlining cooperation in {topic} and {self.topic(rng.choice(SECTORS))}."]
        elif kind < 0.86:  # planned
            doc = rng.choice((f"an agreement on {topic}", f"a memorandum on {topic}", f"a roadmap for {topic} through {year}"))
            self.agreements.append(doc)
            lines = [self.one((
                lambda: f"{self.cname(self.home)} and {self.cname(self.guest)} plan to sign {doc} later this year.",
                lambda: f"The two countries aim to promptly negotiate and sign {doc}.",
                lambda: f"Officials said {doc} {between} is expected to be signed during the next meeting of the intergovernmental commission.",
            ))]
        else:  # under negotiation
            doc = rng.choice((f"an agreement on {topic}", "a free trade agreement", f"a contract for {topic}"))
            self.agreements.append(doc)
            lines = [self.one((
                lambda: f"Negotiations on {doc} are under way, according to the {self.home.demonym} side.",
                lambda: f"The parties continue negotiations on {doc} {between}.",
                lambda: f"Talks on {doc} are at an advanced stage, {self.full(self.official(self.guest, sector)).rstrip(',')} said.",
            ))]
        if rng.random() < 0.6:
            lines.append(self.figure(sector))
        return lines

    def figure(self, sector: str | None = None) -> str:
        rng = self.rng
        sector = sector or rng.choice(self.sectors)
        year = rng.choice((2026, 2027, 2028, 2030, 2030, 2035))
        if sector in ("energy", "renewables", "nuclear", "hydro", "oil-and-gas", "lng") and rng.random() < 0.6:
            org = self.org(rng.choice((self.home, self.guest)), sector)
            plant = {"renewables": rng.choice(("offshore wind power plant", "solar farm", "onshore wind farm")),
                     "nuclear": "nuclear power plant", "hydro": "hydropower plant"}.get(sector, "gas-fired power plant")
            mw = rng.choice((rng.randint(5, 99) * 10, rng.randint(1, 12) * 100, 1000, 1200, 2400))
            return self.one((
                lambda: f"{self.org_name(org)} will build a {mw:,} MW {plant} in {rng.choice(self.guest.regions)}, with commissioning planned for {year}.",
                lambda: f"The project envisages a {plant} with a capacity of {mw:,} MW and an investment of {_money(rng)}.",
            ))
        return self.one((
            lambda: f"Bilateral trade grew by {rng.randint(2, 60)}% in {self.date.year - 1}, reaching {_money(rng)}.",
            lambda: f"The two sides aim to raise bilateral trade to {_money(rng)} by {year}.",
            lambda: f"Investment in {self.topic(sector)} is expected to reach {_money(rng)} by {year}, officials said.",
            lambda: f"{self.cname(self.guest)}'s exports to {self.cname(self.home)} rose {rng.randint(3, 80)}% year on year to {_money(rng)}.",
            lambda: f"The {self.topic(sector)} project is valued at {_money(rng)} and is expected to create {rng.randint(2, 40) * 500:,} jobs.",
            lambda: f"About {rng.randint(1, 30) * 1000:,} students from {self.cname(self.guest)} currently study in {self.cname(self.home)}, {rng.randint(5, 40)}% more than a year earlier.",
            lambda: f"Tourist arrivals between the two countries rose {rng.randint(10, 150)}% to {rng.randint(50, 900):,},000 last year.",
        ))

    def quote(self) -> list[str]:
        rng = self.rng
        sector = rng.choice(self.sectors)
        speaker = rng.choice((self.leader(self.guest), self.official(self.home, sector), self.executive(self.guest, sector)))
        said = rng.choice(("said", "told reporters", "stressed", "noted", "added"))
        return [self.one((
            lambda: f"\"We see {self.cname(self.home)} as a reliable partner in {self.topic(sector)},\" {self.full(speaker).rstrip(',')} {said}.",
            lambda: f"\"Our cooperation in {self.topic(sector)} has great potential, and we are ready to move faster,\" {'said' if said != 'added' else said} {self.full(speaker)}.",
            lambda: f"{self.full(speaker).rstrip(',')} {said} that {self.topic(sector)} and {self.topic(rng.choice(SECTORS))} would be priorities for the coming years.",
        )), self.one((
            lambda: f"{speaker.ref} also called for simpler visa procedures and more direct flights between {self.home.capital} and {self.guest.capital}.",
            lambda: f"According to {speaker.ref}, the two countries should make fuller use of national currencies in mutual settlements.",
            lambda: f"{speaker.he.capitalize()} expressed hope that the {self.home.demonym} business community would take part in projects in {rng.choice(self.guest.regions)}.",
            lambda: f"{speaker.ref} noted that {self.cname(self.home)} has trained tens of thousands of {self.guest.demonym} specialists over the decades.",
        ))]

    def background(self) -> list[str]:
        rng = self.rng
        s1, s2 = rng.sample(self.sectors, 2)
        return rng.sample([
            f"{self.cname(self.home)} and {self.cname(self.guest)} established diplomatic relations in {rng.randint(1945, 1995)} and upgraded them to a strategic partnership in {rng.randint(2001, 2022)}.",
            f"Analysts say {self.topic(s1)} could become the fastest-growing area of the relationship, ahead of {self.topic(s2)}.",
            f"The intergovernmental commission on trade, economic and scientific cooperation will hold its next session in {rng.choice((self.home.capital, self.guest.capital))} in {_MONTHS[rng.randrange(12)]}.",
            "Both countries oppose unilateral sanctions and support the settlement of disputes through dialogue, the statement said.",
            f"Earlier this year, a delegation of {rng.randint(20, 120)} {self.guest.demonym} companies visited {rng.choice(self.home.regions)} to study opportunities in {self.topic(s1)}.",
            f"The {self.home.demonym} side proposed to expand cooperation in {self.topic(s2)}, including joint projects in third countries.",
            f"Experts noted that cooperation in {self.topic(s1)} has so far been limited by logistics costs and payment difficulties.",
            f"Direct flights between {self.home.capital} and {self.guest.capital} resumed in {rng.randint(2021, 2024)}, with {rng.randint(3, 21)} flights a week now operated.",
        ], k=rng.randint(2, 3))

    def bullets(self) -> list[str]:
        rng = self.rng
        heading = rng.choice(("Key points from the meeting:", "Documents signed:", "Highlights of the joint statement:",
                              f"Statements by {self.leader(self.home).ref}:", "Main agreements:"))
        items = []
        for _ in range(rng.randint(4, 8)):
            sector = rng.choice(SECTORS)
            items.append(self.one((
                lambda: f"Cooperation in {self.topic(sector)} is actively developing",
                lambda: f"A memorandum on {self.topic(sector)}",
                lambda: f"Agreement on {self.topic(sector)} between {self.org_name(self.org(self.home, sector))} and {self.org_name(self.org(self.guest, sector))}",
                lambda: f"The countries plan to deepen cooperation in {self.topic(sector)}",
                lambda: f"Roadmap for {self.topic(sector)} through {rng.choice((2028, 2030, 2035))}",
                lambda: f"Bilateral trade grew by {rng.randint(2, 40)}% in {self.date.year - 1}, reaching {_money(rng)}",
                lambda: f"{self.org_name(self.org(self.guest, sector))} is interested in {self.topic(sector)} projects in {self.cname(self.home)}",
            )))
        return [heading] + items

    def headline(self) -> str:
        return self.one((
            lambda: f"{self.cname(self.home)}, {self.cname(self.guest)} sign deals on {self.topic(self.sectors[0])}",
            lambda: f"{self.leader(self.guest).ref} meets {self.home.demonym} business leaders",
            lambda: f"{self.cname(self.guest)} and {self.cname(self.home)} to boost cooperation in {self.topic(self.sectors[1])}",
            lambda: f"{self.home.demonym} and {self.guest.demonym} leaders declare new phase of partnership",
        ))


def _body(w: _Writer) -> tuple[list[str], int]:
    """Paragraphs (a bullet list is one paragraph per line) until the target word count, 500–900 words."""
    rng = w.rng
    target = rng.randint(520, 860)
    paragraphs = [" ".join(w.lead())]
    words = len(paragraphs[0].split())
    blocks = (w.meeting, w.meeting, w.meeting, w.agreement, w.agreement, w.agreement, w.quote, w.quote, w.background)
    bullets_at = rng.randrange(1, 6) if rng.random() < 0.35 else -1  # some pages carry one bullet list
    while words < target:
        if len(paragraphs) == bullets_at:
            new = ["\n".join(w.bullets())]
        else:
            new = [" ".join(rng.choice(blocks)())]
        added = sum(len(p.split()) for p in new)
        if words + added > 900:
            new = [w.figure()]
            added = len(new[0].split())
            if words + added > 900:
                break
        paragraphs.extend(new)
        words += added
    return paragraphs, words


def _chrome(w: _Writer, title: str, body: list[str], file_id: str) -> str:
    rng = w.rng
    name, code, domain, phone, style, _ = w.outlet
    d = w.date
    slug = "-".join(title.lower().replace(",", "").replace("'", "").split())[:80]
    url = f"https://{domain}/{d:%Y%m%d}/{slug}-{int(file_id[:8], 16) % 10**10}.html"
    img = f"https://cdn.{domain}/img/{d:%Y/%m/%d}/{file_id[:12]}_0:160:3072:1888_1920x0_80_0_0_{file_id[-16:]}.jpg"
    tags = [w.home.name.lower(), w.guest.name.lower()] + [SECTOR_TOPICS[s][0] for s in w.sectors[:3]] + [w.leader(w.home).name.lower()]
    hh, mm = rng.randrange(6, 22), rng.randrange(60)
    copyright_ = f"© {d.year} {name}. All rights reserved."
    if style == "wire":
        top = [name, f"{name}, {rng.randint(1000, 9999)}", rng.choice(_SECTIONS),
               "Get the latest news from around the world, live coverage, off-beat stories, features and analysis.",
               url, title, title, name, f"{d:%Y-%m-%d}T{hh:02d}:{mm:02d}+0000", f"{d:%Y-%m-%d}T{hh:02d}:{mm:02d}+0000",
               *tags, img,
               "".join(p.rstrip(":") if p.endswith(":") else p[:60] for p in body[1:4]),  # a run-together summary line
               *[line for _ in range(rng.randint(1, 3)) for line in (name, f"feedback@{domain}", phone, "252", "60")],
               title, f"{hh:02d}:{mm:02d} GMT {d:%d.%m.%Y}", f"© {rng.choice(('POOL', 'AFP', 'Reuters', name))}",
               f"{w.leader(w.home).name} and {w.leader(w.guest).name} - {name}, 1920, {d:%d.%m.%Y}", "Subscribe"]
        bottom = [*rng.sample(_SECTIONS, 6), "  • About Us", "  • Press Info", "  • Terms of Use", "  • Cookie Policy",
                  "  • Privacy Policy", "Android APK", f"© {d.year} {name} All rights reserved. 18+", "Newsfeed", "0",
                  "To participate in the discussion", "log in or register", "loader", "Chats"]
    elif style == "news":
        reporter = _make_name(rng, rng.choice(("en", "fr", "de", "in")))[0]
        top = ["Home | " + " | ".join(rng.sample(_SECTIONS, 7)), "Login | Register | Subscribe", "Search", title,
               f"By {reporter} | {_MONTHS[d.month - 1]} {d.day}, {d.year}, {hh:02d}:{mm:02d}",
               "Share on Facebook Share on X Share via Email Print", img,
               f"Photo: {w.leader(w.guest).name} and {w.leader(w.home).name} at the talks. (Photo: {name})"]
        bottom = ["Tags: " + ", ".join(tags), "Related articles",
                  *[f"{_WEEKDAYS[rng.randrange(7)]}: " + w.headline() for _ in range(3)],
                  f"Contact us: editor@{domain} Tel: {phone}", "Advertise with us | Careers | Cookie settings", copyright_]
    else:  # portal
        top = ["Skip to main content", "Menu", "Search", *rng.sample(_SECTIONS, 5), "Đăng nhập / Login", url, title,
               f"Published: {d:%d/%m/%Y} {hh:02d}:{mm:02d} | Updated: {d:%d/%m/%Y} {(hh + 1) % 24:02d}:{mm:02d}",
               img, f"{title} (Photo: {name})"]
        bottom = ["Read more:", *[w.headline() for _ in range(2)], "Subscribe to our newsletter", "Enter your email",
                  "Follow us on Facebook | YouTube | Telegram", f"Hotline: {phone}", f"Email: news@{domain}",
                  f"Address: {rng.randint(1, 300)} {rng.choice(('Tràng Thi', 'Lenin Avenue', 'Harbour Road', 'Avenida Central'))} Street, {w.home.capital}",
                  "Licence No. " + str(rng.randint(100, 999)) + "/GP-BTTTT", copyright_]
    return "\n".join(top) + "\n\n" + "\n\n".join(body) + "\n" + "\n".join(bottom)


def article_text(world: list[Country], seed: int, i: int) -> tuple[str, int, _Writer]:
    """The text of article `i` (date header included), its body word count, and the writer (for its names)."""
    rng = random.Random(f"{seed}:{i}")
    reach = min(1.0, ((i + 300) / WORLD_SIZE) ** 0.6)
    w = _Writer(rng, world, i, reach)
    paragraphs, words = _body(w)
    title = w.headline()
    file_id = hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=8).hexdigest()
    if rng.random() < 0.3:  # outlet signature line
        paragraphs[-1] = paragraphs[-1] + f" — {w.outlet[1]}"
    if rng.random() < 0.34:
        page = _chrome(w, title, paragraphs, file_id)
    else:
        page = (title + "\n\n" if rng.random() < 0.5 else "") + "\n\n".join(paragraphs)
    if w.outlet[5]:  # this outlet writes names without diacritics
        page = _strip_marks(page)
    sep = " " if rng.random() < 0.8 else "\n"
    return f" date {w.date.isoformat()}{sep}{page}", words, w


@dataclass
class Corpus:
    folder: Path
    files: list[Path]
    words: int  # body words (chrome excluded)
    people: list[str]  # names as first written, in order of first appearance
    organizations: list[str]
    acronyms: list[str]
    seconds: float


def generate(n: int, folder: Path | str, seed: int = SEED) -> Corpus:
    """Write `n` articles into `folder` (created if needed) as `NNNNNN_<hash>.txt`."""
    started = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    world = _build_world(seed)
    files: list[Path] = []
    people: dict[str, None] = {}
    orgs: dict[str, None] = {}
    acronyms: dict[str, None] = {}
    total = 0
    for i in range(n):
        text, words, w = article_text(world, seed, i)
        file_id = hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=8).hexdigest()
        path = folder / f"{i:06d}_{file_id}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        total += words
        for name in w.introduced:
            people.setdefault(name)
        for name in w.orgs_named:
            orgs.setdefault(name)
    for country in world:
        for org in country.orgs:
            if org.acronym and org.name in orgs:
                acronyms.setdefault(org.acronym)
    return Corpus(folder, files, total, sorted(people), sorted(orgs), sorted(acronyms), time.perf_counter() - started)


def article_file(i: int, folder: Path | str, seed: int = SEED) -> Path:
    """Write article `i` alone (the one a corpus of `i` articles lacks, for a reload that adds one)."""
    text, _, _ = article_text(_build_world(seed), seed, i)
    file_id = hashlib.blake2b(f"{seed}:{i}".encode(), digest_size=8).hexdigest()
    path = Path(folder) / f"{i:06d}_{file_id}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    corpus = generate(args.n, args.folder, seed=args.seed)
    print(f"{len(corpus.files)} articles, {corpus.words:,} words, {len(corpus.people)} people, "
          f"{len(corpus.organizations)} organisations → {corpus.folder} in {corpus.seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
