"""Build the built-in route layers (layers/routes/pipelines.geojson, rail.geojson) from definitions.

Each route below is a declarative table: its properties, and ``path``, the ordered list of the
places it runs through (ids in layers/places/places.geojson) with, between them, shape points
``(lon, lat)`` where the real line bends away from the straight path between two places. The
geometry is that sequence of vertices, each segment a geodesic, so the lines are reproducible and
every vertex is either a sourced place or a documented shape point.

Shapes were drawn through real stations and towns, not tuned to a total; ``--check`` prints the
geodesic length of each route (and of each published section) against the published figure.

Usage::

    python scripts/build_catalog.py            # write the two GeoJSON files
    python scripts/build_catalog.py --check    # print lengths vs published figures, write nothing
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyproj

REPO = Path(__file__).resolve().parent.parent
PLACES = REPO / "layers" / "places" / "places.geojson"
OUT = {
    "pipeline": REPO / "layers" / "routes" / "pipelines.geojson",
    "rail": REPO / "layers" / "routes" / "rail.geojson",
}
GEOD = pyproj.Geod(ellps="WGS84")

Shape = tuple[float, float]

# Shape points used by several routes (lon, lat), named for where they are.
TUMEN_BEND = (130.62, 42.405)  # Tumangang station's approach from the bridge (south bank)
# The Hongui line keeps south of the Tumen's bank: 9.5 km of track for a 5.8 km chord.
HONGUI_BEND = (130.575, 42.41)

ROUTES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ pipelines
    {
        "id": "pipeline-rus-prk-kor-2011",
        "name": "Russia-DPRK-ROK gas pipeline (2011 proposal, east-coast route)",
        "kind": "pipeline",
        "status": "shelved",
        "capacity": 10,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS", "PRK", "KOR"],
        "path": [
            "vladivostok",
            "razdolnoye",
            "barabash",
            "slavyanka",
            "kraskino",
            "khasan",
            "friendship-bridge-tumen",
            "tumangang",
            "sonbong",
            "rajin",
            "chongjin",
            "kyongsong",
            "orang",
            "kilju",
            "kimchaek",
            "tanchon",
            "iwon",
            "sinpo",
            "hongwon",
            "hamhung",
            "kowon",
            "wonsan",
            "anbyon",
            "tongchon",
            "kosong-prk",
            "kamho",
            "jejin",
            "goseong-kor",
            "hongcheon",
            "yangju",
            "incheon-lng",
            "pyeongtaek-lng",
        ],
        "modes": [("onshore", "vladivostok", "pyeongtaek-lng")],
        "sources": [
            "pipeline_volume",
            "dprk_transit_fees",
            "pipeline_opening_year",
            "pipeline_contract_years",
            "interfax_2011_pipeline",
            "hankyoreh_2011_route",
            "rusmininfo_2012",
            "cnn_2011_pipeline",
            "kyunghyang_2018_east_coast_line",
        ],
        "accuracy": "concept route drawn along the DPRK east-coast railway (Gazprom's 2011 "
        "proposal: Kyongsong, Wonsan, Goseong, Incheon, Pyeongtaek); towns 20-120 km "
        "apart; no surveyed alignment was published",
        "published_length_km": 1100,
        "published_length_source": "interfax_2011_pipeline",
        # The 2018 Korean government estimate for the same east-coast line: 851.28 km of pipe
        # from the Tumen to Goseong (ROK) via Orang, Tanchon, Rakwon and Wonsan.
        "published_sections": [
            {
                "from": "friendship-bridge-tumen",
                "to": "goseong-kor",
                "length_km": 851.28,
                "source": "kyunghyang_2018_east_coast_line",
            },
        ],
    },
    {
        "id": "pipeline-rus-prk-kor-2018",
        "name": "Russia-DPRK-ROK gas pipeline (2018 joint study route via Wonsan and Cheorwon)",
        "kind": "pipeline",
        "status": "shelved",
        "capacity": 10,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS", "PRK", "KOR"],
        "path": [
            "vladivostok",
            "razdolnoye",
            "barabash",
            "slavyanka",
            "kraskino",
            "khasan",
            "friendship-bridge-tumen",
            "tumangang",
            "sonbong",
            "rajin",
            "chongjin",
            "kyongsong",
            "orang",
            "kilju",
            "kimchaek",
            "tanchon",
            "iwon",
            "sinpo",
            "hongwon",
            "hamhung",
            "kowon",
            "wonsan",
            "pyonggang",
            "cheorwon",
            "yeoncheon",
            "paju",
            "incheon-lng",
            "pyeongtaek-lng",
        ],
        "modes": [("onshore", "vladivostok", "pyeongtaek-lng")],
        "sources": [
            "gem_trans_korea_pipeline",
            "pipeline_volume",
            "company_protocol_start_year",
            "company_protocol_end_year",
        ],
        "accuracy": "study route through the towns it names (Wonsan, Cheorwon, Paju, Incheon, "
        "Pyeongtaek) and the east-coast towns north of Wonsan; towns 20-120 km apart",
        "published_length_km": 1202,
        "published_length_source": "gem_trans_korea_pipeline",
        "published_sections": [],
    },
    {
        "id": "pipeline-rus-prk-kor-pyongyang",
        "name": "Russia-DPRK-ROK gas pipeline (2018 study variant looping via Pyongyang and Kaesong)",
        "kind": "pipeline",
        "status": "shelved",
        "capacity": 10,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS", "PRK", "KOR"],
        "path": [
            "vladivostok",
            "razdolnoye",
            "barabash",
            "slavyanka",
            "kraskino",
            "khasan",
            "friendship-bridge-tumen",
            "tumangang",
            "sonbong",
            "rajin",
            "chongjin",
            "kyongsong",
            "orang",
            "kilju",
            "kimchaek",
            "tanchon",
            "iwon",
            "sinpo",
            "hongwon",
            "hamhung",
            "kowon",
            "wonsan",
            "kangdong",
            "pyongyang",
            "hwangju",
            "sariwon",
            "kaesong",
            "dorasan",
            "paju",
            "incheon-lng",
            "pyeongtaek-lng",
        ],
        "modes": [("onshore", "vladivostok", "pyeongtaek-lng")],
        "sources": ["gem_trans_korea_pyongyang", "pipeline_volume"],
        "accuracy": "study variant drawn through Wonsan, Pyongyang, Kaesong and the Gyeongui "
        "crossing at Dorasan; towns 20-120 km apart",
        "published_length_km": 1505,
        "published_length_source": "gem_trans_korea_pyongyang",
        "published_sections": [],
    },
    {
        "id": "pipeline-east-sea-subsea",
        "name": "East Sea subsea gas pipeline (Vladivostok to Samcheok, bypassing the DPRK)",
        "kind": "pipeline",
        "status": "concept",
        "capacity": 10,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS", "KOR"],
        "path": [
            "vladivostok",
            (131.95, 42.95),
            (131.6, 41.0),
            (130.6, 38.8),
            (129.8, 37.6),
            "samcheok-lng",
        ],
        "modes": [("subsea", "vladivostok", "samcheok-lng")],
        "sources": ["interfax_2011_pipeline", "china_route_blocked"],
        "accuracy": "concept: one of the three options studied after 2006 (seabed route, judged "
        "costly); drawn offshore outside the DPRK's coast, shape points 150-250 km apart",
        "published_length_km": None,
        "published_length_source": None,
        "published_sections": [],
    },
    {
        "id": "pipeline-china-dprk-west",
        "name": "Russia-China-DPRK-ROK gas pipeline (overland via Dandong/Sinuiju)",
        "kind": "pipeline",
        "status": "concept",
        "capacity": 10,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS", "CHN", "PRK", "KOR"],
        "path": [
            "blagoveshchensk",
            "heihe",
            "bei-an",
            "daqing",
            "songyuan",
            "changling",
            "siping",
            "tieling",
            "shenyang",
            "benxi",
            "fengcheng",
            "dandong",
            "sino-korean-friendship-bridge",
            "sinuiju",
            "jongju",
            "sinanju",
            "pyongyang",
            "hwangju",
            "sariwon",
            "kaesong",
            "dorasan",
            "paju",
            "seoul",
        ],
        "modes": [("onshore", "blagoveshchensk", "seoul")],
        "sources": ["interfax_2011_pipeline", "china_route_blocked", "power_of_siberia_gazprom"],
        "accuracy": "concept: continues Russian gas from the Power of Siberia's Amur crossing "
        "down Northeast China (cities 60-200 km apart) and along the DPRK's west "
        "corridor; no published alignment",
        "published_length_km": None,
        "published_length_source": None,
        "published_sections": [],
    },
    {
        "id": "pipeline-china-yellow-sea",
        "name": "Russia-China gas pipeline under the Yellow Sea to South Korea",
        "kind": "pipeline",
        "status": "concept",
        "capacity": 10,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS", "CHN", "KOR"],
        "path": [
            "blagoveshchensk",
            "heihe",
            "bei-an",
            "daqing",
            "songyuan",
            "changling",
            "siping",
            "tieling",
            "shenyang",
            (122.99, 41.11),
            (122.23, 40.67),
            (121.95, 39.6),
            "dalian",
            (123.2, 37.9),
            (125.3, 36.85),
            "pyeongtaek-lng",
        ],
        "modes": [("onshore", "blagoveshchensk", "dalian"), ("subsea", "dalian", "pyeongtaek-lng")],
        "sources": ["interfax_2011_pipeline", "china_route_blocked"],
        "accuracy": "concept: Northeast China cities 60-200 km apart, Liaodong peninsula via "
        "Anshan and Yingkou (shape points), subsea leg from Dalian kept clear of the "
        "DPRK coast; no published alignment",
        "published_length_km": None,
        "published_length_source": None,
        "published_sections": [],
    },
    {
        "id": "pipeline-power-of-siberia",
        "name": "Power of Siberia (Chayanda - Blagoveshchensk - Heihe)",
        "kind": "pipeline",
        "status": "operating",
        "capacity": 38,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS", "CHN"],
        "path": [
            "chayanda-field",
            "lensk",
            "olyokminsk",
            "aldan",
            "neryungri",
            "tynda",
            "skovorodino",
            "magdagachi",
            "shimanovsk",
            "svobodny",
            "blagoveshchensk",
            "heihe",
        ],
        "modes": [
            ("onshore", "chayanda-field", "blagoveshchensk"),
            ("subsea", "blagoveshchensk", "heihe"),
        ],
        "sources": [
            "power_of_siberia_gazprom",
            "power_of_siberia_wikipedia",
            "russo_chinese_talks_years",
            "power_of_siberia_progress_2019",
            "power_of_siberia_chayanda_lensk",
        ],
        "accuracy": "through the towns the line passes (Lensk, Olyokminsk, Aldan, Neryungri, "
        "Tynda, Skovorodino, Svobodny), 80-330 km apart; the Amur crossing leg is "
        "drawn to Heihe",
        "published_length_km": 2200,
        "published_length_source": "power_of_siberia_gazprom",
        "published_sections": [
            {
                "from": "chayanda-field",
                "to": "lensk",
                "length_km": 205.35,
                "source": "power_of_siberia_chayanda_lensk",
            },
        ],
    },
    {
        "id": "pipeline-sakhalin-khabarovsk-vladivostok",
        "name": "Sakhalin-Khabarovsk-Vladivostok gas pipeline",
        "kind": "pipeline",
        "status": "operating",
        "capacity": 5.5,
        "capacity_unit": "bcm/yr",
        "declared_states": ["RUS"],
        "path": [
            "nogliki",
            "pogibi",
            "lazarev",
            (140.2, 51.85),
            (138.6, 51.1),
            "komsomolsk-on-amur",
            "amursk",
            (136.57, 49.43),
            (135.6, 48.95),
            "khabarovsk",
            "vyazemsky",
            "bikin",
            "luchegorsk",
            "dalnerechensk",
            "lesozavodsk",
            "spassk-dalny",
            "sibirtsevo",
            "ussuriysk",
            "artyom",
            "vladivostok",
        ],
        "modes": [
            ("onshore", "nogliki", "pogibi"),
            ("subsea", "pogibi", "lazarev"),
            ("onshore", "lazarev", "vladivostok"),
        ],
        "sources": ["skv_wikipedia", "skv_government_2011", "skv_komsomolsk_khabarovsk"],
        "accuracy": "Sakhalin and Lower Amur legs drawn with shape points along the Amur valley "
        "(not surveyed); Khabarovsk-Vladivostok through the Ussuri valley towns "
        "40-110 km apart",
        "published_length_km": 1822,
        "published_length_source": "skv_wikipedia",
        "published_sections": [],
    },
    # ------------------------------------------------------------------ railways
    {
        "id": "rail-trans-siberian",
        "name": "Trans-Siberian Railway (Moscow Yaroslavsky - Vladivostok, via Yaroslavl)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["RUS"],
        # Stations and the towns they serve in line order (Wikipedia's route map, km posts in
        # seeds/sources.toml); towns added to follow the line where it leaves the chord: the
        # Sylva valley (Kungur-Shalya), the Olkha valley and Bolshoy Lug climb (Irkutsk-Kultuk),
        # the Selenga valley (Mysovaya-Ulan-Ude), the Khilok valley, the Amur-Zeya plain.
        "path": [
            "moscow-yaroslavsky",
            "mytishchi",
            "pushkino",
            "khotkovo",
            "sergiyev-posad",
            "aleksandrov",
            "petrovsk-yaroslavl",
            "rostov-veliky",
            "semibratovo",
            "yaroslavl",
            "danilov",
            "lyubim",
            "buy",
            "galich",
            "antropovo",
            "neya",
            "manturovo",
            "sharya",
            "ponazyrevo",
            "leninskoye-shabalino",
            "svecha",
            "kotelnich",
            "orichi",
            "strizhi",
            "kirov",
            "zuyevka",
            "falyonki",
            "yar",
            "glazov",
            "balezino",
            "kez",
            "vereshchagino",
            "mendeleyevo",
            "overyata",
            "perm",
            "kukushtan",
            "kungur",
            "ust-kishert",
            "shamary",
            "shalya",
            "kuzino",
            "bilimbay",
            "pervouralsk",
            "yekaterinburg",
            "bogdanovich",
            "kamyshlov",
            "pyshma-sverdlovsk",
            "talitsa",
            "tugulym",
            "tyumen",
            "yalutorovsk",
            "zavodoukovsk",
            "golyshmanovo",
            "ishim",
            "nazyvayevsk",
            "omsk",
            "kalachinsk",
            "tatarskaya",
            "chany",
            "barabinsk",
            "kargat",
            "chulym",
            "novosibirsk",
            "bolotnoye",
            "yurga",
            "tayga",
            "anzhero-sudzhensk",
            "izhmorsky",
            "mariinsk",
            "tyazhinsky",
            "itatsky",
            "bogotol",
            "achinsk",
            "krasnoyarsk",
            "uyar",
            "zaozyorny",
            "kansk",
            "ilansky",
            "tinskoy",
            "nizhnyaya-poyma",
            "tayshet",
            "alzamay",
            "nizhneudinsk",
            "tulun",
            "kuytun-rus",
            "kimiltey",
            "zima",
            "tyret",
            "cheremkhovo",
            "usolye-sibirskoye",
            "telma",
            "angarsk",
            "irkutsk",
            "shelekhov",
            (104.25, 52.05),  # Bolshoy Lug: the line climbs the Olkha valley south-east
            "kultuk",
            "slyudyanka",
            "baykalsk",
            "vydrino",
            "tankhoi",
            "babushkin",
            "posolskoye",
            "kamensk-buryatia",
            "selenginsk",
            "ilyinka-buryatia",
            "tataurovo",
            "ulan-ude",
            "onokhoy",
            "zaigrayevo",
            "petrovsk-zabaykalsky",
            "tarbagatay-zabaykalsky",
            "novopavlovka",
            "bada",
            "khilok",
            "mogzon",
            "yablonovo",
            "chita",
            "atamanovka",
            "darasun",
            "karymskoye",
            "tarskaya",
            "shilka",
            "priiskovy",
            "chernyshevsk",
            "zhireken",
            "mogocha",
            "amazar",
            "yerofey-pavlovich",
            "urusha",
            "takhtamygda",
            "skovorodino",
            "never",
            "taldan",
            "magdagachi",
            "tygda",
            "ushumun",
            "sivaki",
            "shimanovsk",
            "svobodny",
            "belogorsk",
            "yekaterinoslavka",
            "zavitinsk",
            "bureya",
            "arkhara",
            "obluchye",
            "izvestkovy",
            "londoko",
            "bira",
            "birobidzhan",
            "smidovich",
            "volochayevka-2",
            "nikolayevka-jao",
            "khabarovsk",
            "pereyaslavka",
            "vyazemsky",
            "bikin",
            "luchegorsk",
            "dalnerechensk",
            "lesozavodsk",
            "spassk-dalny",
            "sibirtsevo",
            "mikhaylovka",
            "ussuriysk",
            "baranovsky",
            "razdolnoye",
            "kiparisovo",
            "volno-nadezhdinskoye",
            "vladivostok",
        ],
        "modes": [("rail", "moscow-yaroslavsky", "vladivostok")],
        "sources": [
            "trans_siberian_length",
            "transsib_routings",
            "transsib_km_posts",
            "trans_korean_railway_idea",
        ],
        "accuracy": "through 167 stations and towns on the line (GeoNames town centres), 7-195 km "
        "apart; station chords miss the line's winding in the Urals, east of "
        "Krasnoyarsk and in Transbaikalia: 11.8 % shorter than the published length",
        "published_length_km": 9289,
        "published_length_source": "trans_siberian_length",
        "gauge_mm": 1520,
        "published_sections": [],
    },
    {
        "id": "rail-baranovsky-khasan",
        "name": "Baranovsky-Khasan railway (Trans-Siberian to the DPRK border)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["RUS"],
        "path": [
            "baranovsky",
            (131.88, 43.55),
            "nezhino",
            "zanadvorovka",
            "barabash",
            "primorsky-khasansky",
            (131.35, 42.95),
            (131.05, 42.78),
            "kraskino",
            (130.7, 42.55),
            "khasan",
        ],
        "modes": [("rail", "baranovsky", "khasan")],
        "sources": ["baranovsky_khasan_line", "khasan_station"],
        "accuracy": "junction, Nezhino, Zanadvorovka, Barabash, Primorsky, Kraskino and Khasan "
        "with shape points round Amur Bay and Posyet Bay, 14-31 km apart; 17 % "
        "short of the published length (the line's curves are not drawn)",
        "published_length_km": 238,
        "published_length_source": "baranovsky_khasan_line",
        "gauge_mm": 1520,
        "published_sections": [],
    },
    {
        "id": "rail-khasan-rajin",
        "name": "Khasan-Rajin railway (Friendship Bridge, dual gauge to Rajin port)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["RUS", "PRK"],
        # Tumangang -> Hongui up the Tumen (Hongui line, 9.5 km), then the Hambuk line back
        # down the Rason coast: Hongui km 285.6, Ungsang 300.7, Sonbong 313.0, Rajin 328.2.
        "path": [
            "khasan",
            "friendship-bridge-tumen",
            TUMEN_BEND,
            "tumangang",
            HONGUI_BEND,
            "hongui",
            "ungsang",
            "sonbong",
            (130.33, 42.32),  # round the head of Rajin bay
            "rajin",
        ],
        "modes": [("rail", "khasan", "rajin")],
        "sources": [
            "khasan_rajin_line",
            "tumangang_station",
            "hongui_line",
            "friendship_bridge_tumen",
            "hambuk_line",
        ],
        "accuracy": "Khasan, Tumangang, the Hongui junction (where trains reverse), Ungsang and "
        "Sonbong, 2-10 km apart; the Hambuk line winds through the Rason coastal "
        "hills more than these chords: 21.5 % short",
        "published_length_km": 54,
        "published_length_source": "khasan_rajin_line",
        "gauge_mm": 1520,
        "published_sections": [
            {"from": "tumangang", "to": "rajin", "length_km": 49, "source": "tumangang_station"},
        ],
    },
    {
        "id": "rail-tkr-east",
        "name": "Trans-Korean Railway, east line (Tumangang - DPRK east coast - Donghae line - Busan)",
        "kind": "rail",
        "status": "proposed",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["PRK", "KOR"],
        "path": [
            "tumangang",
            HONGUI_BEND,
            "hongui",
            "ungsang",
            "sonbong",
            (130.33, 42.32),  # round the head of Rajin bay
            "rajin",
            "chongjin",
            "kyongsong",
            "orang",
            "kilju",
            "kimchaek",
            "tanchon",
            "iwon",
            "sinpo",
            "hongwon",
            "hamhung",
            "kowon",
            "wonsan",
            "anbyon",
            "tongchon",
            "kosong-prk",
            "kamho",
            "jejin",
            "goseong-kor",
            "sokcho",
            "gangneung",
            "donghae",
            "samcheok",
            "yeongdeok",
            "pohang",
            "gyeongju",
            "ulsan",
            "busan",
        ],
        "modes": [("rail", "tumangang", "busan")],
        "sources": [
            "trans_korean_railway_idea",
            "rail_connections",
            "jejin_kamho",
            "gangneung_jejin_gap",
            "tumangang_station",
        ],
        "accuracy": "stations and towns on the Pyongra, Kangwon, Kumgangsan Chongnyon and "
        "Donghae lines, 15-120 km apart; Jejin-Gangneung is a missing link "
        "(104.6 km, not built)",
        "published_length_km": None,
        "published_length_source": None,
        "gauge_mm": 1435,
        "published_sections": [
            {"from": "tumangang", "to": "rajin", "length_km": 49, "source": "tumangang_station"},
        ],
    },
    {
        "id": "rail-tkr-west",
        "name": "Trans-Korean Railway, west line (Sinuiju - Pyongyang - Kaesong - Seoul - Busan)",
        "kind": "rail",
        "status": "proposed",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["PRK", "KOR"],
        "path": [
            "sinuiju",
            "jongju",
            "sinanju",
            "pyongyang",
            "hwangju",
            "sariwon",
            "kaesong",
            "dorasan",
            "munsan",
            "goyang",
            "seoul",
            "suwon",
            "cheonan",
            "daejeon",
            "gimcheon",
            "gumi",
            "daegu",
            "miryang",
            "busan",
        ],
        "modes": [("rail", "sinuiju", "busan")],
        "sources": ["rail_connections", "dorasan_station", "trans_korean_railway_idea"],
        "accuracy": "stations and cities of the Pyongui, Pyongbu, Gyeongui and Gyeongbu lines, "
        "20-120 km apart",
        "published_length_km": None,
        "published_length_source": None,
        "gauge_mm": 1435,
        "published_sections": [],
    },
    {
        "id": "rail-trans-manchurian",
        "name": "Trans-Manchurian route (Tarskaya - Zabaykalsk - Harbin - Suifenhe - Ussuriysk)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["RUS", "CHN", "RUS"],
        # Stations named by the sources (seeds/sources.toml): Mogoytuy, Yasnaya and Mirnaya on the
        # Tarskaya-Zabaykalsk branch; Angangxi (Qiqihar's station), Anda and Zhaodong on the
        # Binzhou line; the Binsui stations with their km posts.
        "path": [
            "tarskaya",
            "mogoytuy",
            "olovyannaya",
            "yasnaya",
            "mirnaya",
            "borzya",
            "zabaykalsk",
            "manzhouli",
            "jalainur",
            "hailar",
            "yakeshi",
            "boketu",
            "zhalantun",
            "angangxi",
            "daqing",
            "anda",
            "zhaodong",
            "harbin",
            "acheng",
            "yuquan",
            "xiaoling",
            "maoershan",
            "wujimi",
            "shangzhi",
            "weihe",
            "yabuli",
            "yuchi",
            "hengdaohezi",
            "shanshi",
            "hailin",
            "mudanjiang",
            "modaoshi",
            "muling",
            "xiachengzi",
            "maqiaohe",
            "suiyang",
            "suifenhe",
            "pogranichny",
            "ussuriysk",
        ],
        "modes": [("rail", "tarskaya", "ussuriysk")],
        "sources": [
            "tarskaya_zabaykalsk",
            "harbin_manzhouli_railway",
            "harbin_suifenhe_railway",
            "trans_manchurian_km_posts",
            "binsui_km_posts",
            "binzhou_towns",
            "manchurian_branch_stations",
            "geonames_cities500",
        ],
        "accuracy": "stations and towns 9-150 km apart (GeoNames town points); Binsui "
        "stations every 10-60 km with km posts",
        "published_length_km": None,
        "published_length_source": None,
        "gauge_mm": None,
        "published_sections": [
            {
                "from": "tarskaya",
                "to": "zabaykalsk",
                "length_km": 354,
                "source": "tarskaya_zabaykalsk",
            },
            {
                "from": "manzhouli",
                "to": "harbin",
                "length_km": 934.8,
                "source": "harbin_manzhouli_railway",
            },
            {
                "from": "harbin",
                "to": "suifenhe",
                "length_km": 548,
                "source": "harbin_suifenhe_railway",
            },
        ],
    },
    {
        "id": "rail-trans-mongolian",
        "name": "Trans-Mongolian Railway (Ulan-Ude - Ulaanbaatar - Erenhot - Beijing)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["RUS", "MNG", "CHN"],
        # Selenga and Dzhida valleys to Naushki; Maanit station south-east of Ulaanbaatar;
        # the Jingbao line Jining - Fengzhen - Datong - Zhangjiakou - Xuanhua - Changping.
        "path": [
            "ulan-ude",
            "gusinoozyorsk",
            "gusinoye-ozero",
            "selenduma",
            "dzhida",
            "naushki",
            "sukhbaatar",
            "darkhan",
            "zuunkharaa",
            "ulaanbaatar",
            (107.4, 47.6),  # the line leaves the Tuul valley south-east towards Maanit
            "maanit",
            "choir",
            "sainshand",
            "zamyn-uud",
            "erenhot",
            "jining-ulanqab",
            "fengzhen",
            "datong",
            "zhangjiakou",
            "xuanhua",
            "changping",
            "beijing",
        ],
        "modes": [("rail", "ulan-ude", "beijing")],
        "sources": ["trans_mongolian_railway", "mongolian_section"],
        "accuracy": "stations and towns 10-310 km apart (Gobi stretches are straight); chords "
        "miss the Selenga valley and Jingbao mountain windings: 16 % short",
        "published_length_km": 2215,
        "published_length_source": "trans_mongolian_railway",
        "gauge_mm": None,
        "published_sections": [
            {
                "from": "sukhbaatar",
                "to": "zamyn-uud",
                "length_km": 1092,
                "source": "trans_mongolian_railway",
            },
            {
                "from": "erenhot",
                "to": "beijing",
                "length_km": 842,
                "source": "trans_mongolian_railway",
            },
        ],
    },
    {
        "id": "rail-beijing-dandong",
        "name": "Beijing - Shenyang - Dandong railway (Jingha and Shendan lines)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["CHN"],
        "path": [
            "beijing",
            "tongzhou",
            "yutian",
            "tangshan",
            "luanzhou",
            "qinhuangdao",
            "shanhaiguan",
            "suizhong",
            "jinzhou",
            "panjin",
            "liaozhong",
            "shenyang",
            "sujiatun",
            "benxi",
            "caohekou",
            "tongyuanpu",
            "liujiahe",
            "jiguanshan",
            "fengcheng",
            "dandong",
        ],
        "modes": [("rail", "beijing", "dandong")],
        "sources": [
            "beijing_harbin_railway",
            "shenyang_dandong_railway",
            "shendan_km_posts",
            "geonames_cities500",
        ],
        "accuracy": "stations and cities 12-120 km apart; Shendan stations with km posts",
        "published_length_km": None,
        "published_length_source": None,
        "gauge_mm": 1435,
        "published_sections": [
            {
                "from": "beijing",
                "to": "shenyang",
                "length_km": 703,
                "source": "beijing_harbin_railway",
            },
            {
                "from": "shenyang",
                "to": "dandong",
                "length_km": 277,
                "source": "shenyang_dandong_railway",
            },
        ],
    },
    {
        "id": "rail-harbin-shenyang",
        "name": "Harbin - Changchun - Shenyang railway (northern part of the Jingha line)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["CHN"],
        "path": ["harbin", "dehui", "changchun", "siping", "tieling", "shenyang"],
        "modes": [("rail", "harbin", "shenyang")],
        "sources": ["beijing_harbin_railway"],
        "accuracy": "cities 60-155 km apart (km posts in seeds/sources.toml)",
        "published_length_km": None,
        "published_length_source": None,
        "gauge_mm": 1435,
        # 546 km = Harbin km 1,249 - Shenyang North km 703 on the Jingha km posts.
        "published_sections": [
            {
                "from": "shenyang",
                "to": "harbin",
                "length_km": 546,
                "source": "beijing_harbin_railway",
            },
        ],
    },
    {
        "id": "rail-china-land-bridge",
        "name": "China land bridge (Beijing - Hohhot - Lanzhou - Urumqi - Khorgos)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["CHN"],
        "path": [
            "beijing",
            "zhangjiakou",
            "datong",
            "jining-ulanqab",
            "hohhot",
            "baotou",
            "wuhai",
            "yinchuan",
            "zhongwei",
            "lanzhou",
            "wuwei",
            "zhangye",
            "jiuquan",
            "jiayuguan",
            "liuyuan",
            "hami",
            "shanshan",
            "turpan",
            "urumqi",
            "shihezi",
            "kuytun",
            "jinghe",
            "horgos-chn",
        ],
        "modes": [("rail", "beijing", "horgos-chn")],
        "sources": ["china_bypass_corridors"],
        "accuracy": "cities on the Jingbao, Baolan, Lanxin and Jinghe-Khorgos lines, "
        "20-350 km apart (desert stretches are straight)",
        "published_length_km": None,
        "published_length_source": None,
        "gauge_mm": 1435,
        "published_sections": [],
    },
    {
        "id": "rail-middle-corridor",
        "name": "Middle Corridor / TRACECA (Khorgos - Almaty - Aktau - Caspian ferry - Baku - "
        "Tbilisi - Kars)",
        "kind": "rail",
        "status": "operating",
        "capacity": None,
        "capacity_unit": None,
        "declared_states": ["KAZ", "AZE", "GEO", "TUR"],
        "path": [
            "khorgos-kaz",
            "zharkent",
            (78.9, 44.05),
            "konayev",
            "almaty",
            (75.5, 43.2),
            "shu",
            "lugovoy",
            "merke",
            "taraz",
            "shymkent",
            "arys",
            "turkistan",
            "kyzylorda",
            "zhosaly",
            "aral",
            "saksaulsky",
            "shalkar",
            (57.5, 46.6),
            "beyneu",
            "zhetybay",
            "aktau",
            (50.9, 41.5),
            (50.55, 40.25),
            (49.85, 39.9),
            "alat-port",
            "hajigabul",
            "kurdamir",
            "ujar",
            "yevlakh",
            "ganja",
            "shamkir",
            "tovuz",
            "aghstafa",
            "gardabani",
            "rustavi",
            "tbilisi",
            "marneuli",
            "tsalka",
            "akhalkalaki",
            "cildir",
            "arpacay",
            "kars",
        ],
        "modes": [
            ("rail", "khorgos-kaz", "aktau"),
            ("ferry", "aktau", "alat-port"),
            ("rail", "alat-port", "kars"),
        ],
        "sources": ["china_bypass_corridors", "btk_railway"],
        "accuracy": "stations and cities 20-300 km apart; the Caspian ferry leg is drawn with "
        "offshore shape points round the Absheron peninsula",
        "published_length_km": None,
        "published_length_source": None,
        "gauge_mm": None,
        "published_sections": [],
    },
]


def load_places(path: Path = PLACES) -> dict[str, tuple[float, float]]:
    """Return place id -> (lon, lat) from the places layer."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["id"]: tuple(f["geometry"]["coordinates"]) for f in data["features"]}


def route_coords(route: dict[str, Any], places: dict[str, tuple[float, float]]) -> list[Shape]:
    """Return the route's vertices: its places and shape points, in order."""
    coords: list[Shape] = []
    for item in route["path"]:
        if isinstance(item, str):
            if item not in places:
                raise SystemExit(f"{route['id']}: unknown place {item!r}")
            coords.append(places[item])
        else:
            coords.append((float(item[0]), float(item[1])))
    return coords


def length_km(coords: list[Shape]) -> float:
    """Return the geodesic length in km of the path through ``coords``."""
    lons, lats = zip(*coords, strict=True)
    return float(GEOD.line_length(lons, lats)) / 1000.0


def section_km(
    route: dict[str, Any], places: dict[str, tuple[float, float]], start: str, end: str
) -> float:
    """Return the geodesic km of the route between two of its places."""
    items = route["path"]
    ids = [i for i, it in enumerate(items) if isinstance(it, str)]
    i0 = next(i for i in ids if items[i] == start)
    i1 = next(i for i in ids if items[i] == end)
    sub = dict(route, path=items[min(i0, i1) : max(i0, i1) + 1])
    return length_km(route_coords(sub, places))


def feature(route: dict[str, Any], places: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """Return the GeoJSON feature of a route definition."""
    coords = route_coords(route, places)
    place_ids = [p for p in route["path"] if isinstance(p, str)]
    for _mode, a, b in route["modes"]:
        if a not in place_ids or b not in place_ids:
            raise SystemExit(f"{route['id']}: mode leg {a}->{b} not on the route's places")
    props: dict[str, Any] = {
        "id": route["id"],
        "name": route["name"],
        "kind": route["kind"],
        "status": route["status"],
        "capacity": route["capacity"],
        "capacity_unit": route["capacity_unit"],
        "declared_states": route["declared_states"],
        "places": place_ids,
        "modes": [{"mode": m, "from": a, "to": b} for m, a, b in route["modes"]],
        "sources": route["sources"],
        "accuracy": route["accuracy"],
        "published_length_km": route["published_length_km"],
        "published_length_source": route["published_length_source"],
    }
    if route["kind"] == "rail":
        props["gauge_mm"] = route.get("gauge_mm")
    props["published_sections"] = route.get("published_sections", [])
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {
            "type": "LineString",
            "coordinates": [[round(x, 5), round(y, 5)] for x, y in coords],
        },
    }


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; the layers are shipped data, world-readable
    os.replace(tmp, path)


def dump(features: list[dict[str, Any]], name: str) -> str:
    """Return a FeatureCollection as GeoJSON text, one feature a line."""
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return (
        '{"type": "FeatureCollection", "name": "' + name + '", '
        '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},\n'
        '"features": [\n' + body + "\n]}\n"
    )


def check(places: dict[str, tuple[float, float]]) -> None:
    """Print each route's geodesic length against its published figures."""
    for r in ROUTES:
        km = length_km(route_coords(r, places))
        pub = r["published_length_km"]
        diff = f"{100 * (km - pub) / pub:+6.1f} %" if pub else "      -"
        print(f"{r['id']:42s} {km:9.1f} km  published {pub or '-':>6}  {diff}")
        for s in r.get("published_sections", []):
            skm = section_km(r, places, s["from"], s["to"])
            d = 100 * (skm - s["length_km"]) / s["length_km"]
            print(
                f"    {s['from']:>18s} -> {s['to']:18s} {skm:8.1f} km  published "
                f"{s['length_km']:>7}  {d:+6.1f} %"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print lengths, write nothing")
    args = parser.parse_args(argv)
    places = load_places()
    if args.check:
        check(places)
        return 0
    by_kind: dict[str, list[dict[str, Any]]] = {"pipeline": [], "rail": []}
    for r in ROUTES:
        by_kind[r["kind"]].append(feature(r, places))
    write_atomic(OUT["pipeline"], dump(by_kind["pipeline"], "georoutes_pipelines"))
    write_atomic(OUT["rail"], dump(by_kind["rail"], "georoutes_rail"))
    print(f"wrote {len(by_kind['pipeline'])} pipelines, {len(by_kind['rail'])} railways")
    return 0


if __name__ == "__main__":
    sys.exit(main())
