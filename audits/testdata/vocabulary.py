"""The generator's vocabulary: name pools, places, the clean templates and services, job states.

All characters are Windows-1252 encodable (one export is written in cp1252). The variants that are
problems (bad templates, titles, subscription lines …) live in the injector of their step.
"""

from __future__ import annotations

import datetime as dt

YEAR = 2025
PRIOR = 2024


def _words(text: str) -> list[str]:
    return text.split()


# --------------------------------------------------------------------------------------------
# Name pools. All characters are Windows-1252 encodable (one export is written in cp1252).
# Pools avoid near-identical spellings (Anne/Anna, Smith/Smyth); first and last pools are disjoint.
# --------------------------------------------------------------------------------------------
FIRST_M = _words(
    """
James Oliver William Jack Noah Thomas Henry Liam Ethan Samuel Benjamin Alexander Daniel Matthew
Joshua Ryan Nathan Harrison Lachlan Connor Patrick Michael David Andrew Christopher Mark Peter
Robert Richard Anthony Adam Tyler Cameron Hamish Angus Fraser Callum Rohan Arjun Vikram Rahul
Sanjay Amit Wei Hiroshi Kenji Minh Tuan Duc Omar Hassan Yusuf Mohammed Karim Tariq José Mateo
Diego Carlos Javier Andrés Pablo Luca Giovanni Francesco Stefan Jonas Felix Björn Søren Lars
François Jérôme René Émile Nikolai Dmitri Ivan Tomás Seán Eoin Ciarán Rhys Dylan Finn Declan
Kieran Aaron Isaac Elijah Caleb Gabriel Hugo Oscar Archie Max Toby George Edward Frederick Louis
Arthur Albert Harvey Jake Jordan Blake Mitchell Bradley Dean Grant Craig Scott Shane Wayne Glenn
Brett Darren Troy Neil Ross Gordon Graham Keith Ian Kevin Colin Barry Trevor Malcolm Rodney
Geoffrey Warren Murray Bruce Quentin Rafael Joaquín Philip Stephen
"""
)
FIRST_F = _words(
    """
Charlotte Olivia Amelia Isla Mia Ava Grace Sophie Emily Ruby Harper Matilda Evie Zoë Chloé
Renée Hélène Inès Léa Mélanie Élodie Ingrid Astrid Sigrid Freya Maja Annika Lucía Sofía María
Carmen Elena Isabel Paula Giulia Francesca Chiara Alessia Priya Ananya Deepika Kavya Meera Aisha
Fatima Leila Yasmin Noor Mei Ling Yuki Sakura Hana Linh Thuy Ngoc Siobhán Aoife Niamh Róisín
Catherine Sarah Rebecca Jessica Rachel Hannah Laura Nicole Michelle Kimberley Melissa Natalie
Danielle Stephanie Samantha Alexandra Victoria Georgia Madeleine Imogen Phoebe Lily Ella Zara
Holly Jasmine Tahlia Brooke Courtney Kirsty Leanne Tracey Karen Sharon Deborah Julie Wendy
Gillian Heather Fiona Morag Margaret Dorothy Beatrice Harriet Rosalind Penelope Claudia Veronica
Monique Simone Yvonne Colette Bernadette Dagmar Greta Heidi Ursula Marta Agnieszka Katarzyna
Zuzana Petra Lenka
"""
)
LAST = _words(
    """
Anderson Baker Bennett Brown Campbell Carter Chapman Clarke Collins Cooper Davies Edwards Evans
Fletcher Foster Gibson Green Hall Harris Hughes Hunter Jackson Jenkins Johnson
Jones Kelly Kennedy King Lawson Lee Marshall Martin Mason Morgan Morris Murphy
Nguyen Parker Patel Phillips Price Reid Richardson Roberts Robinson Rogers Russell
Shaw Simpson Smith Stevens Stewart Sullivan Taylor Thompson Turner Walker Ward Watson
White Wilkinson Williams Wilson Wood Wright Young Tran Pham Huynh Hoang Vo Dang Bui Chen Wang Li
Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Lin Guo Kumar Sharma Singh Gupta Mehta Reddy
Iyer Nair Chopra Kapoor Desai Joshi Rao Khan Hussain Ahmed Rahman Malik Qureshi Siddiqui Haddad
Nasser Khoury Saleh Müller Schröder Groß Köhler Schäfer Krüger Fischer Weber Becker Hoffmann
Schneider Zimmermann Braun Hartmann Lange García Martínez López González Rodríguez Fernández
Pérez Sánchez Ramírez Torres Domínguez Jiménez Muñoz Álvarez Romero Navarro Gutiérrez Castillo
Moreno Ortega Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo
Conti Costa Giordano Mancini Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso
Ferrara Leone Longo Gentile Martinelli Vitale Lefèvre Dubois Laurent Girard Bonnet
Dupont Lambert Fontaine Rousseau Vincent Chevalier Gauthier Perrin Morin Clément Faure
Mercier Blanc Guérin Boyer Garnier Lemaire Nielsen Jensen Hansen Andersen Larsen
Sørensen Rasmussen Jørgensen Petersen Kristensen Olsen Thomsen Poulsen Johansson Karlsson
Nilsson Eriksson Olsson Persson Svensson Gustafsson Pettersson Åkesson Lindqvist
Björklund O'Brien O'Connor O'Sullivan O'Neill McCarthy McDonald McKenzie MacLeod Fitzgerald
Gallagher Doherty Brennan Quinn Byrne Kavanagh Novak Horvat Kowalski Wiśniewski Dvořák
Kovács Szabó Nagy Tóth Papadopoulos Georgiou Nikolaidis Dimitriou Yamamoto Tanaka Suzuki
Watanabe Ito Nakamura Kobayashi Sato Kimura Hayashi Park Kim Choi Jung Kang Cho Yoon Jang Lim
Han Okafor Mensah Adeyemi Abara Van Dyke De Luca Fairweather Ashworth Blackwood Whitfield
Thornton Pemberton Hollingsworth Kingsley Radcliffe Sutherland Galbraith Ferguson Buchanan
Drummond Lockhart Montgomery Cunningham Abernethy
"""
)
# Two-word surnames (split above) are rejoined here.
_JOIN = {("Van", "Dyke"): "Van Dyke", ("De", "Luca"): "De Luca"}


def _fix_last(words: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for a, b in zip(words, [*words[1:], ""], strict=True):
        if skip:
            skip = False
            continue
        if (a, b) in _JOIN:
            out.append(_JOIN[(a, b)])
            skip = True
        else:
            out.append(a)
    # Drop anything Windows-1252 cannot encode (keeps the cp1252 export honest).
    return [w for w in out if _cp1252_ok(w)]


def _cp1252_ok(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


LAST = _fix_last(LAST)
FIRST_M = [w for w in FIRST_M if _cp1252_ok(w)]
FIRST_F = [w for w in FIRST_F if _cp1252_ok(w)]


BASE_A = _words(
    """
Silver Golden Blue Red Green Northern Southern Eastern Western Coastal Harbour River Ocean
Mountain Valley Summit Cedar Willow Banksia Wattle Iron Stone Copper Crystal Emerald Sapphire
Sunrise Sunset Bright Clear Swift Bold Grand Royal Pacific Southern Cross Pioneer Heritage
Highland Lakeside Parkside Bayside Hillside Meadow Oakwood Pinewood Redgum Ironbark Kookaburra
Jacaranda Magnolia Lighthouse Anchor Compass Horizon Keystone Cornerstone Granite Marble Ember
"""
)
BASE_B = _words(
    """
Creek Ridge Bay Point Peak Hill Grove Park Field Springs Bell Rock Vale Gate Bridge Harbour
Wharf Crossing Junction Heights Plains Downs Falls Shore Cove Reef Glen Brook Haven Lane Square
Star Leaf Tree Bird Fox Wolf Hawk Eagle Wren Finch
"""
)
INDUSTRIES = _words(
    """
Plumbing Electrical Constructions Dental Physiotherapy Consulting Logistics Landscaping Cafe
Bakery Engineering Architects Motors Joinery Roofing Legal Media Design Imports Trading
Hospitality Surveying Veterinary Pharmacy Transport Civil Interiors Fitness Cleaning Catering
Removals Glazing Flooring Fencing Tiling Carpentry Excavations Medical Optometry Chiropractic
Accounting Marketing Recruitment Security Printing Nursery Winery Brewing Tours Aviation Marine
Solar Scaffolding Concreting Kitchens
"""
)
INDUSTRIES = [w for w in INDUSTRIES if w != "Accounting"]
COMPANY_SUFFIXES = ["Pty Ltd"] * 6 + ["Ltd", "Limited", "Pty Limited"]
TRUST_KINDS = ["Family Trust", "Unit Trust", "Discretionary Trust", "Investment Trust"]
GROUP_MEMBERS = [
    "Holdings Pty Ltd",
    "Investments Pty Ltd",
    "Property Pty Ltd",
    "Operations Pty Ltd",
]

CITIES = [
    ("Sydney", "NSW", 2000),
    ("Parramatta", "NSW", 2150),
    ("Newcastle", "NSW", 2300),
    ("Wollongong", "NSW", 2500),
    ("Melbourne", "VIC", 3000),
    ("Geelong", "VIC", 3220),
    ("Ballarat", "VIC", 3350),
    ("Bendigo", "VIC", 3550),
    ("Brisbane", "QLD", 4000),
    ("Gold Coast", "QLD", 4217),
    ("Toowoomba", "QLD", 4350),
    ("Cairns", "QLD", 4870),
    ("Adelaide", "SA", 5000),
    ("Mount Gambier", "SA", 5290),
    ("Perth", "WA", 6000),
    ("Fremantle", "WA", 6160),
    ("Bunbury", "WA", 6230),
    ("Hobart", "TAS", 7000),
    ("Launceston", "TAS", 7250),
    ("Canberra", "ACT", 2600),
    ("Darwin", "NT", 800),
]
STREETS = _words(
    """
George Pitt Elizabeth King Queen William Collins Bourke Flinders Swanston Victoria Albert Edward
Church Station Railway High Main Park Beach Ocean Hill Bridge Mill Market Wharf Anzac Federation
Bay Harbour River Lake Forest Grove Acacia Banksia Wattle Eucalyptus Jacaranda Boronia Waratah
Kurrajong Currawong Lorikeet Rosella Osprey Heron Pelican Brolga Cassowary Echidna Wombat
Platypus Koala Possum Dingo Wallaby Quokka
"""
)
STREET_TYPES = ["Street", "Road", "Avenue", "Lane", "Parade", "Crescent", "Drive", "Place", "Court"]

MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
FY_MONTHS = MONTHS[6:] + MONTHS[:6]

# Clean templates: name -> (category, tasks).
TEMPLATES: dict[str, tuple[str, list[str]]] = {
    "Annual Compliance": (
        "Compliance",
        [
            "Request records",
            "Prepare financial statements",
            "Prepare income tax return",
            "Manager review",
            "Partner sign-off",
            "Client approval",
            "Lodge return",
        ],
    ),
    "Individual Tax Return": (
        "Tax",
        ["Request documents", "Prepare return", "Review", "Client approval", "Lodge return"],
    ),
    "Bookkeeping": ("Bookkeeping", [f"{m} bookkeeping" for m in FY_MONTHS]),
    "Payroll": ("Payroll", [f"{m} payroll" for m in FY_MONTHS]),
    "Company Secretarial": (
        "Compliance",
        ["ASIC annual statement review", "Solvency resolution", "Update company register"],
    ),
    "Trust Distribution": (
        "Compliance",
        ["Estimate trust income", "Prepare distribution minutes", "Trustee sign-off"],
    ),
    "Tax Planning": (
        "Advisory",
        ["Review year-to-date figures", "Tax planning meeting", "Planning report"],
    ),
}

# key -> (service, category, billing type, frequency, price, template)
SERVICES: dict[str, tuple[str, str, str, str, int, str]] = {
    "annual": (
        "Annual accounts & tax return",
        "Compliance",
        "Recurring",
        "Annually",
        3200,
        "Annual Compliance",
    ),
    "itr": ("Individual tax return", "Tax", "Recurring", "Annually", 450, "Individual Tax Return"),
    "bookkeeping": (
        "Monthly bookkeeping",
        "Bookkeeping",
        "Recurring",
        "Monthly",
        380,
        "Bookkeeping",
    ),
    "payroll": ("Payroll processing", "Payroll", "Recurring", "Monthly", 240, "Payroll"),
    "cosec": (
        "Company secretarial",
        "Compliance",
        "Recurring",
        "Annually",
        350,
        "Company Secretarial",
    ),
    "trust": (
        "Trust distribution resolution",
        "Compliance",
        "Recurring",
        "Annually",
        420,
        "Trust Distribution",
    ),
    "tax_planning": ("Tax planning", "Advisory", "One-off", "Once", 950, "Tax Planning"),
}


STANDARD_STATES = ["Planned", "Not Started", "In Progress", "In Progress"]
