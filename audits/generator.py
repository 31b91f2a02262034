"""A realistic, labelled set of exports for one accounting practice (pure Python, no Django).

``generate(out_dir, clients=N, seed=S, problems="default"|"none"|"heavy")`` writes all ten export
kinds of ``audits.kinds`` for one practice, in the header styles practices really upload, plus
``labels.json``: every finding a correct validator must report, nothing less, nothing more.
Output is a pure function of (clients, seed, problems): ``random.Random(seed)`` drives everything.

Files (kind -> file, encoding, header style; row numbers are spreadsheet rows, header = row 1)
------------------------------------------------------------------------------------------------
xpm_clients        xpm_clients.csv         UTF-8 with BOM, ``[Client] Client`` report headers, d/m/Y DOB,
                                           sorted by name (blank names last)
xpm_jobs           xpm_jobs.csv            UTF-8, ``[Job] Job No.`` headers, state in ``[Job] Status``,
                                           d/m/Y dates, sorted by job number
xpm_staff          xpm_staff.csv           plain headers (Staff Name, Email Address, Position, Access Level)
xpm_job_templates  xpm_job_templates.xlsx  title line in row 1, header in row 2, data from row 3
ignition_clients   ignition_clients.csv    **Windows-1252**, one row per contact, accented names
ignition_team      ignition_team.csv       Name, Email, Role, Linked XPM User
ignition_services  ignition_services.csv   Service Name … XPM Job Template
ignition_proposals ignition_proposals.csv  one row per service line, Y-m-d dates
xero_contacts      xero_contacts.csv       Xero style ``*ContactName``, AccountNumber, EmailAddress …
xero_invoices      xero_invoices.csv       Xero style ``*ContactName``, ``*InvoiceNumber``, d/m/Y dates,
                                           one row per line

The clean practice (``problems="none"``)
----------------------------------------
Clients are individuals ("First Last", accents such as "Zoë Müller", "José García"), companies
(Pty Ltd / Ltd / Limited / Pty Limited), trusts, partnerships ("Nguyen & Patel") and client groups
(2-4 entities sharing a base name, e.g. "Silver Creek Holdings Pty Ltd", "Silver Creek Unit Trust",
group "Silver Creek Group"). Names are unique after the spec normalisation (and after dropping legal
suffixes entirely); emails, phones, tax numbers and street+postcode are unique; a date of birth is
never shared by two individuals with the same first name or the same last name. No digits, brackets,
"zz"/"xx", "old", "archived" or "DO NOT USE" in any client name; no titles; status "Active".
Every client has an exactly equal Xero contact; ~95% have an Ignition client (exact name) with one
accepted proposal (``PROP-…``, billing level "Proposal") per job-creating service; each proposal
deploys exactly ONE current-year job (2025) whose Client Order No. is the proposal number; the
remaining ~5% (and some victims below) have no proposals: their jobs have a blank Client Order No. and
their invoices reference the job number (``J…``). Every client also has a 2024 job in state
"Completed" with a blank Client Order No. and no invoice. Current jobs are Planned / Not Started /
In Progress. One job per client per template per year; job names are "<Template> <year>", start and
due dates within that year. Invoices reference ``PROP-…`` of existing jobs (annual services: one
invoice or four quarterly instalments; monthly services: one invoice per month). All staff are
Ignition team members linked to their own XPM user. Bookkeeping and Payroll templates have exactly 12
monthly tasks; every Ignition service (recurring or one-off) maps to an existing XPM template.
A correct validator reports nothing on it except C00.I001 "not checked" infos.

Conventions the labels follow (validators should implement the same reading)
---------------------------------------------------------------------------
* ``audits/labels.py`` scores a finding against a label by code + file + overlapping rows, so the
  FILE each rule reports on matters: it is named per rule below (e.g. C04.E001 on xpm_staff,
  C04.E002 on ignition_team, C09.* on xero_invoices, C10.E001/W002 on xpm_jobs, C10.W003 on
  xpm_clients, C13.W003 on xero_contacts, C13.E005 on ignition_clients, C15.E001 on proposals).
* One label per finding. ``rows`` are sorted spreadsheet rows; clusters list all their rows.
* Row-less values: ``value`` is the offending value as it appears in the labelled row(s).
* Item 3: one finding per row, most specific code only. C03.E002 is reported only when the name,
  after undoing the E001/W003/W004 patterns (swap "Last, First", drop a title, fix case, collapse
  spaces), still differs from ``first_name + " " + last_name``.
* "Near match" (items 12, 13) is at least "equal after the spec normalisation". Every injected near
  match is normalisation-equal; every C13.W002/W003 victim has no other name within
  rapidfuzz ratio / token_sort_ratio 85 (after dropping legal suffixes).
* Item 13 does not report a pair that differs only by an internal code: C12.E002 reports it.
  C13.W003 means a Xero contact with invoices that has no exact AND no near XPM client.
  C13.E005 is only for an Ignition client with no exactly equal XPM client.
* A row with no client name is only C05.E005 (other rules skip blank names).
* Clients are matched to jobs/contacts/invoices by exact name (so a duplicate or namesake row shares
  the jobs of its name and is not "without a job").
* A blank Client Order No. is not C14.W001. Prior-year "Completed" jobs without a reference and
  without an invoice are fine for C11.E001.
* Invoice findings (C09.*): every injected invoice has exactly one line, so per-line, per-invoice and
  per-reference readings give the same single row.

Scale: 1,000 clients ~0.2 s; 100,000 clients ~18 s default / ~29 s heavy (~265k jobs, ~155k
proposal lines, ~540k invoice lines, ~0.3 GB RAM).

Rule by rule: how the problem is injected, and what is labelled
---------------------------------------------------------------
Client-level rules inject ``max(1, round(clients * 0.0015 * m))`` cases (m = 1 default, 4 heavy);
staff rules ``max(1, round(staff * 0.01 * m))``; template/library rules 1 case (default) or 3
(heavy). Victims are distinct non-group clients (group members only for C10.W003).

C03.E001 individual's name becomes "Last, First" (fields unchanged) in XPM, Xero and Ignition alike.
         xpm_clients row; value = that name.
C03.E002 individual keeps "First Last" but last_name field holds another surname (married name).
         xpm_clients row; value = name.
C03.W003 "Mr/Mrs/Ms/Dr First Last" (fields unchanged), same in every system. xpm row; value = name.
C03.W004 "JANE SMITH", "jane smith" or "Jane  Smith" (double space), same in every system. xpm row.
C04.E001 a manager who manages clients and jobs is left out of ignition_team. xpm_staff row; value =
         staff name.
C04.E002 a partner's/manager's team member has a blank Linked XPM User. ignition_team row; value =
         member name.
C04.W003 an extra XPM staff member (graduate/admin) who manages nothing, not in Ignition. xpm_staff
         row; value = name.
C05.E001 a second client row with the identical name and address, blank email/phone/tax number/DOB/
         code (no job, contact or Ignition client of its own). rows = both; value = name.
C05.W002 a second client with a similar name (accent dropped, variant spelling, "Last First" with
         fields swapped, two-word base joined, or "The …") sharing phone, address (+DOB) with blank
         email/tax; it has its own 2024 Completed job and its own Xero contact. rows = both; value =
         name in the first of the rows.
C05.W003 an individual's email reused on an unrelated company, or one company's tax number reused on
         another unrelated company. rows = both; value = the shared email / tax number.
C05.W004 status "Archived"/"Inactive" (only a 2024 job, no proposal/invoice/Ignition), or an active
         client with no job at all. xpm row; value = name. (Also for every C10.W003 victim.)
C05.E005 an extra xpm_clients row with blank name (other fields filled), placed last. value = "".
C07.E001 extra template "GST Returns" (4 tasks) [heavy: + "Payroll Services" 6, "Bookkeeping
         (Legacy)" 11 monthly]. rows = all its task rows; value = template name.
C07.W002 extra template "Management Report - March" [heavy: + "Q3 Board Pack", "Advisory Review -
         September"], not bookkeeping-type. rows = all its rows; value = template name.
C07.W003 a task listed twice in "Tax Planning" [heavy: + "Company Secretarial", "Individual Tax
         Return"]. rows = the two task rows; value = task name.
C08.E001 recurring service with blank XPM Job Template ("Quarterly management reporting" …).
         ignition_services row; value = service name.
C08.E002 service mapped to a template not in the templates export. row; value = that template name.
C08.W003 one-off service with no template. row; value = service name.
C09.E001 one extra one-line invoice with Reference "CLI-<Ignition client id>". xero_invoices row;
         value = reference.
C09.E002 the client's main proposal gets a "Tax planning" line and a second job ("Tax Planning 2025")
         with the same Client Order No.; that proposal is billed by one one-line invoice. invoice row;
         value = the PROP reference.
C09.E003 an extra accepted "Tax planning" proposal whose job was never deployed, billed by one
         one-line invoice. invoice row; value = the PROP reference.
C09.W004 one extra one-line invoice with a blank Reference. invoice row; value = invoice number.
C10.E001 a client's "Bookkeeping 2025" job repeated (12 monthly starts, or one duplicate deployment),
         the extras with blank Client Order No. rows = all those job rows; value = client name.
C10.W002 the client's main 2025 job is named "… - June 2025" or "… Q2 2025". job row; value = job
         name.
C10.W003 one member of a client group has no job, proposal or invoice at all (the others have
         annual jobs). xpm row; value = name. ALSO labelled C05.W004 (no job at all).
C11.E001 the client's main 2025 job (Client Order No. PROP-…, invoiced) is "On Hold", "Paused",
         "Completed" or "Cancelled". job row; value = state.
C11.E002 a 2024 job (no reference, no invoice) in state "Waiting on Client", "Awaiting Information",
         "With Client for Signing" or "Ready to Lodge". One finding per distinct state name; rows =
         every job with it; value = state name.
C12.E001 an organisation's name carries a code/marker ("1478 Silver Creek Plumbing Pty Ltd",
         "SCP07 - …", "zz …", "… - DO NOT USE", "… (old)", "xx …", "… [SCP07]"); the Xero contact
         has the same spelling; no Ignition client. xpm row; value = name.
C12.E002 XPM name carries a code ("1478 …", "SCP07 - …", "… [SCP07]") but the Xero contact is the
         clean name; no Ignition, no invoices. xpm row; value = XPM name. ALSO labelled C12.E001.
C13.E001 the Xero contact is a normalisation-equal variant (suffix "Pty Ltd"/"Ltd"/"Limited"/
         "Pty. Ltd.", "&"/"and", case); invoices use the Xero spelling. xpm row; value = XPM name.
C13.W002 the client has no Xero contact (and no invoices). xpm row; value = name.
C13.W003 an extra Xero contact (not an XPM client) with one one-line invoice, Reference "PO-…".
         xero_contacts row; value = contact name.
C13.E005 the Ignition client (one contact row, no proposals) is a normalisation-equal variant of the
         XPM name. ignition_clients row; value = Ignition name.
C13.W004 a second individual with the same name but different DOB, email, phone, tax number and
         address. rows = both; value = name.
C14.W001 an extra job "Ad hoc", "Ad Hoc Job", "Miscellaneous" or "Misc work" (no template, blank
         order no.; value = job name), or an extra "Tax Planning 2025" job whose Client Order No. is
         a PROP-… that no proposal has (value = that order no.). job row.
C15.E001 an annual proposal gets an extra line "Xero subscription", "Xero Business Edition
         subscription", "MYOB AccountRight licence" or "ASIC fee disbursement". proposals row; value
         = service.
C15.W002 an extra 2025 job "Xero Subscription 2025", "Disbursements 2025" or "Software Licence
         Recharge 2025" (no template, blank order no.) for a client with an annual job. job row;
         value = job name.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROBLEM_LEVELS = {"none": 0, "default": 1, "heavy": 4}
YEAR = 2025
PRIOR = 2024
CLIENT_RATE = 0.0015
STAFF_RATE = 0.01

DATA_RULE_CODES: tuple[str, ...] = (
    "C03.E001",
    "C03.E002",
    "C03.W003",
    "C03.W004",
    "C04.E001",
    "C04.E002",
    "C04.W003",
    "C05.E001",
    "C05.W002",
    "C05.W003",
    "C05.W004",
    "C05.E005",
    "C07.E001",
    "C07.W002",
    "C07.W003",
    "C08.E001",
    "C08.E002",
    "C08.W003",
    "C09.E001",
    "C09.E002",
    "C09.E003",
    "C09.W004",
    "C10.E001",
    "C10.W002",
    "C10.W003",
    "C11.E001",
    "C11.E002",
    "C12.E001",
    "C12.E002",
    "C13.E001",
    "C13.W002",
    "C13.W003",
    "C13.E005",
    "C13.W004",
    "C14.W001",
    "C15.E001",
    "C15.W002",
)


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

# Spelling variants used only to inject C05.W002 (never in the pools themselves).
SPELLING = {
    "Sarah": "Sara",
    "Catherine": "Katherine",
    "Stephen": "Steven",
    "Philip": "Phillip",
    "Matthew": "Mathew",
    "Rebecca": "Rebekah",
    "Zoë": "Zoe",
    "José": "Jose",
    "Chloé": "Chloe",
    "Renée": "Renee",
    "Thompson": "Thomson",
    "Clarke": "Clark",
    "Smith": "Smyth",
    "Reid": "Reed",
    "Müller": "Mueller",
    "García": "Garcia",
    "López": "Lopez",
    "McDonald": "MacDonald",
    "Schröder": "Schroeder",
    "Sørensen": "Sorensen",
}

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

# Injected library / template problems (default takes the first of each, heavy all three).
BAD_TEMPLATES_E001 = [
    ("GST Returns", "BAS", ["Prepare GST return", "Review", "Lodge", "Pay"]),
    (
        "Payroll Services",
        "Payroll",
        [
            "Set up employees",
            "Process pays",
            "Pay run review",
            "STP lodgement",
            "Super payments",
            "Payroll tax",
        ],
    ),
    ("Bookkeeping (Legacy)", "Bookkeeping", [f"{m} bookkeeping" for m in FY_MONTHS[:11]]),
]
BAD_TEMPLATES_W002 = [
    ("Management Report - March", "Advisory", ["Prepare report", "Review", "Send to client"]),
    ("Q3 Board Pack", "Advisory", ["Collect figures", "Prepare pack", "Partner review"]),
    ("Advisory Review - September", "Advisory", ["Agenda", "Meeting", "Follow-up notes"]),
]
DUP_TASKS_W003 = [
    ("Tax Planning", "Tax planning meeting"),
    ("Company Secretarial", "Solvency resolution"),
    ("Individual Tax Return", "Review"),
]
BAD_SERVICES_E001 = [
    ("Quarterly management reporting", "Advisory", "Recurring", "Quarterly", 1200),
    ("Cloud accounting support", "Bookkeeping", "Recurring", "Monthly", 150),
    ("Budget and cashflow forecast", "Advisory", "Recurring", "Annually", 1800),
]
BAD_SERVICES_E002 = [
    ("SMSF annual compliance", "Compliance", "Recurring", "Annually", 2200, "SMSF Compliance"),
    (
        "Annual accounts (legacy)",
        "Compliance",
        "Recurring",
        "Annually",
        2900,
        "Annual Compliance 2019",
    ),
    ("BAS lodgement", "Tax", "Recurring", "Quarterly", 300, "BAS Quarterly"),
]
BAD_SERVICES_W003 = [
    ("Business plan review", "Advisory", "One-off", "Once", 1500),
    ("Company incorporation", "Compliance", "One-off", "Once", 900),
    ("Accounting system setup", "Advisory", "One-off", "Once", 1100),
]

STANDARD_STATES = ["Planned", "Not Started", "In Progress", "In Progress"]
NON_STANDARD_STATES = ["On Hold", "Paused", "Completed", "Cancelled"]
UNMAPPED_STATES = [
    "Waiting on Client",
    "Awaiting Information",
    "With Client for Signing",
    "Ready to Lodge",
]
ADHOC_NAMES = ["Ad hoc", "Ad Hoc Job", "Miscellaneous", "Misc work"]
SUBSCRIPTION_LINES = [
    "Xero subscription",
    "Xero Business Edition subscription",
    "MYOB AccountRight licence",
    "ASIC fee disbursement",
]
SUBSCRIPTION_JOBS = ["Xero Subscription", "Disbursements", "Software Licence Recharge"]
TITLES_M = ["Mr", "Dr"]
TITLES_F = ["Mrs", "Ms", "Dr"]

HEADERS: dict[str, list[tuple[str, str]]] = {
    "xpm_clients": [
        ("name", "[Client] Client"),
        ("first_name", "[Client] First Name"),
        ("last_name", "[Client] Last Name"),
        ("business_structure", "[Client] Business Structure"),
        ("client_code", "[Client] Client Code"),
        ("email", "[Client] Email"),
        ("phone", "[Client] Phone"),
        ("address", "[Client] Postal Address"),
        ("city", "[Client] City"),
        ("postcode", "[Client] Postcode"),
        ("region", "[Client] Region"),
        ("country", "[Client] Country"),
        ("date_of_birth", "[Client] Date of Birth"),
        ("tax_number", "[Client] Tax Number"),
        ("account_manager", "[Client] Account Manager"),
        ("job_manager", "[Client] Job Manager"),
        ("group", "[Client] Groups"),
        ("status", "[Client] Status"),
    ],
    "xpm_jobs": [
        ("job_no", "[Job] Job No."),
        ("client", "[Client] Client"),
        ("name", "[Job] Name"),
        ("template", "[Job] Template"),
        ("category", "[Job] Category"),
        ("state", "[Job] Status"),
        ("manager", "[Job] Manager"),
        ("partner", "[Job] Partner"),
        ("start_date", "[Job] Start Date"),
        ("due_date", "[Job] Due Date"),
        ("client_order_no", "[Job] Client Order No."),
        ("budget", "[Job] Budget"),
    ],
    "xpm_staff": [
        ("name", "Staff Name"),
        ("email", "Email Address"),
        ("position", "Position"),
        ("role", "Access Level"),
    ],
    "xpm_job_templates": [
        ("template", "Template Name"),
        ("task", "Task Name"),
        ("task_order", "Sort Order"),
        ("category", "Category"),
    ],
    "ignition_clients": [
        ("name", "Client Name"),
        ("contact_name", "Contact Name"),
        ("contact_email", "Contact Email"),
        ("client_id", "Client ID"),
        ("contact_id", "Contact ID"),
    ],
    "ignition_team": [
        ("name", "Name"),
        ("email", "Email"),
        ("role", "Role"),
        ("xpm_user", "Linked XPM User"),
    ],
    "ignition_services": [
        ("service", "Service Name"),
        ("category", "Category"),
        ("billing_type", "Billing Type"),
        ("frequency", "Frequency"),
        ("price", "Price"),
        ("xpm_job_template", "XPM Job Template"),
    ],
    "ignition_proposals": [
        ("proposal", "Proposal Number"),
        ("client", "Client Name"),
        ("service", "Service Name"),
        ("frequency", "Frequency"),
        ("billing_level", "Billing Level"),
        ("price", "Price"),
        ("status", "Status"),
        ("start_date", "Start Date"),
    ],
    "xero_contacts": [
        ("name", "*ContactName"),
        ("account_number", "AccountNumber"),
        ("email", "EmailAddress"),
        ("first_name", "FirstName"),
        ("last_name", "LastName"),
        ("tax_number", "TaxNumber"),
        ("", "POAddressLine1"),
        ("", "POCity"),
        ("", "POPostalCode"),
        ("", "POCountry"),
    ],
    "xero_invoices": [
        ("contact", "*ContactName"),
        ("invoice_number", "*InvoiceNumber"),
        ("reference", "Reference"),
        ("invoice_date", "*InvoiceDate"),
        ("due_date", "*DueDate"),
        ("description", "Description"),
        ("quantity", "*Quantity"),
        ("unit_amount", "*UnitAmount"),
        ("account_code", "*AccountCode"),
        ("", "*TaxType"),
        ("", "Currency"),
        ("status", "Status"),
    ],
}
FILES: dict[str, str] = {
    "xpm_clients": "xpm_clients.csv",
    "xpm_jobs": "xpm_jobs.csv",
    "xpm_staff": "xpm_staff.csv",
    "xpm_job_templates": "xpm_job_templates.xlsx",
    "ignition_clients": "ignition_clients.csv",
    "ignition_team": "ignition_team.csv",
    "ignition_services": "ignition_services.csv",
    "ignition_proposals": "ignition_proposals.csv",
    "xero_contacts": "xero_contacts.csv",
    "xero_invoices": "xero_invoices.csv",
}
ENCODINGS: dict[str, str] = {
    "xpm_clients": "utf-8-sig",
    "ignition_clients": "cp1252",
    "xero_contacts": "utf-8-sig",
}
TITLE_LINES: dict[str, list[str]] = {
    "xpm_job_templates": ["Job Templates - Tasks (exported from Xero Practice Manager)"],
}

_SUFFIX_WORDS = frozenset(
    [
        "pty",
        "ltd",
        "limited",
        "proprietary",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "co",
        "company",
        "plc",
        "trust",
    ]
)
_PUNCT = re.compile(r"[^\w\s]")


def name_key(name: str) -> str:
    """Stricter than the spec normalisation (legal suffixes dropped): unique here => unique there."""
    value = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    value = _PUNCT.sub(" ", value)
    return " ".join(w for w in value.split() if w not in _SUFFIX_WORDS)


def _unlike(pair: list, c: Any) -> bool:
    """True when ``c`` looks nothing like ``pair[0]`` (no word in common, low similarity)."""
    if not pair:
        return False
    a, b = name_key(pair[0].name), name_key(c.name)
    if set(a.split()) & set(b.split()):
        return False
    try:
        from rapidfuzz import fuzz
    except ImportError:  # pragma: no cover
        return True
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) < 60


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z]", "", folded)


def _dmy(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _money(value: float) -> str:
    return f"{value:.2f}"


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Client:
    idx: int
    kind: str  # individual | company | trust | partnership
    name: str
    first: str = ""
    last: str = ""
    base: str = ""
    structure: str = ""
    code: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    city: str = ""
    postcode: str = ""
    region: str = ""
    country: str = "Australia"
    dob: str = ""
    tax: str = ""
    account_manager: str = ""
    job_manager: str = ""
    partner: str = ""
    group: str = ""
    status: str = "Active"
    row: int = 0
    # plan
    services: list[str] = field(default_factory=list)
    prior: list[str] = field(default_factory=list)
    jobs: str = "normal"  # normal | prior_only | none
    xero_name: str | None = ""  # "" -> same as name; None -> no Xero contact
    ignition: bool = True
    ignition_name: str = ""
    proposals: bool = True
    invoices: bool = True
    single_contact: bool = False
    extra: bool = False  # an injected extra row sharing another's name (no own contact/jobs)
    victim: str = ""
    mods: dict[str, Any] = field(default_factory=dict)

    def values(self) -> list[str]:
        return [
            self.name,
            self.first,
            self.last,
            self.structure,
            self.code,
            self.email,
            self.phone,
            self.address,
            self.city,
            self.postcode,
            self.region,
            self.country,
            self.dob,
            self.tax,
            self.account_manager,
            self.job_manager,
            self.group,
            self.status,
        ]


@dataclass(eq=False)
class Rec:
    values: list[str]
    row: int = 0


@dataclass
class Label:
    code: str
    kind: str
    refs: list[Any]  # ints (row numbers) or objects with .row
    value: str

    def resolve(self) -> dict[str, Any]:
        rows = sorted({r if isinstance(r, int) else r.row for r in self.refs})
        return {"file": FILES[self.kind], "rows": rows, "value": self.value}


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------
class _Practice:
    def __init__(self, clients: int, seed: int, problems: str) -> None:
        if problems not in PROBLEM_LEVELS:
            raise ValueError(f"problems must be one of {', '.join(PROBLEM_LEVELS)}")
        if clients < 1:
            raise ValueError("clients must be at least 1")
        self.n = clients
        self.seed = seed
        self.problems = problems
        self.m = PROBLEM_LEVELS[problems]
        self.rng = random.Random(seed)
        self.labels: list[Label] = []
        self.used_names: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        self.used_tax: set[str] = set()
        self.used_addr: set[tuple[str, str]] = set()
        self.dob_by_first: dict[str, set[str]] = {}
        self.dob_by_last: dict[str, set[str]] = {}
        self.code_counter: dict[str, int] = {}
        self.clients: list[Client] = []
        self.extra_rows: list[Client] = []
        self.extra_contacts: list[tuple[Rec, Rec | None]] = []  # (contact, placeholder)
        self.w003_invoices: list[tuple[str, str]] = []  # (contact name, PO ref)
        self.client_ids: dict[int, str] = {}

    # ---- counts --------------------------------------------------------------------------
    def count(self) -> int:
        return 0 if not self.m else max(1, round(self.n * CLIENT_RATE * self.m))

    def fixed(self) -> int:
        return {0: 0, 1: 1, 4: 3}[self.m]

    def label(self, code: str, kind: str, refs: list[Any], value: str) -> None:
        self.labels.append(Label(code, kind, list(refs), value))

    # ---- identities ----------------------------------------------------------------------
    def person(self) -> tuple[str, str, bool]:
        rng = self.rng
        for attempt in range(200):
            male = rng.random() < 0.5
            first = rng.choice(FIRST_M if male else FIRST_F)
            last = rng.choice(LAST)
            if attempt >= 15 or rng.random() < 0.02:
                other = rng.choice(LAST)
                if " " in other or " " in last or other == last:
                    continue
                last = f"{last}-{other}"
            key = name_key(f"{first} {last}")
            if key not in self.used_names:
                self.used_names.add(key)
                return first, last, male
        raise RuntimeError("ran out of person names")

    def claim(self, name: str) -> bool:
        key = name_key(name)
        if key in self.used_names:
            return False
        self.used_names.add(key)
        return True

    def base_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return rng.choice(LAST)
        return f"{rng.choice(BASE_A)} {rng.choice(BASE_B)}"

    def org_name(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        for _ in range(500):
            if kind == "company":
                base = self.base_name()
                name = f"{base} {rng.choice(INDUSTRIES)} {rng.choice(COMPANY_SUFFIXES)}"
            elif kind == "trust":
                r = rng.random()
                if r < 0.4:
                    base = rng.choice(LAST)
                elif r < 0.7:
                    base = f"{rng.choice(FIRST_M + FIRST_F)} {rng.choice(LAST)}"
                else:
                    base = self.base_name()
                name = f"{base} {rng.choice(TRUST_KINDS)}"
            else:
                a, b = rng.choice(LAST), rng.choice(LAST)
                if a == b:
                    continue
                base = f"{a} & {b}"
                name = base if rng.random() < 0.6 else f"{base} Partners"
            if self.claim(name):
                return name, base
        raise RuntimeError("ran out of organisation names")

    def unique(self, used: set, make) -> Any:
        for _ in range(1000):
            value = make()
            if value not in used:
                used.add(value)
                return value
        raise RuntimeError("ran out of unique values")

    def phone(self, mobile: bool, region: str = "NSW") -> str:
        rng = self.rng
        if mobile:
            return self.unique(
                self.used_phones,
                lambda: (
                    f"04{rng.randint(0, 99):02d} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"
                ),
            )
        area = {"VIC": "03", "TAS": "03", "QLD": "07", "SA": "08", "WA": "08", "NT": "08"}.get(
            region, "02"
        )
        return self.unique(
            self.used_phones,
            lambda: f"({area}) {rng.randint(3000, 9999)} {rng.randint(0, 9999):04d}",
        )

    def tax(self, digits: int) -> str:
        rng = self.rng

        def make() -> str:
            s = str(rng.randint(10 ** (digits - 1), 10**digits - 1))
            if digits == 9:
                return f"{s[:3]} {s[3:6]} {s[6:]}"
            return f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"

        return self.unique(self.used_tax, make)

    def address(self) -> tuple[str, str, str, str]:
        rng = self.rng
        for _ in range(1000):
            city, region, pc = rng.choice(CITIES)
            postcode = f"{pc + rng.randint(0, 40):04d}"
            street = f"{rng.randint(1, 399)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
            if rng.random() < 0.15:
                street = f"Unit {rng.randint(1, 40)}, {street}"
            if (street, postcode) not in self.used_addr:
                self.used_addr.add((street, postcode))
                return street, city, postcode, region
        raise RuntimeError("ran out of addresses")

    def email(self, local: str, domain: str) -> str:
        local = local.lower()
        candidate = f"{local}@{domain}"
        n = 1
        while candidate in self.used_emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_emails.add(candidate)
        return candidate

    def dob(self, first: str, last: str) -> str:
        rng = self.rng
        a = self.dob_by_first.setdefault(first, set())
        b = self.dob_by_last.setdefault(last, set())
        for _ in range(1000):
            d = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 24800))
            s = _dmy(d)
            if s not in a and s not in b:
                a.add(s)
                b.add(s)
                return s
        raise RuntimeError("ran out of dates of birth")

    def code(self, word: str) -> str:
        prefix = (_ascii(word).upper() + "XXX")[:3]
        n = self.code_counter.get(prefix, 0) + 1
        self.code_counter[prefix] = n
        return f"{prefix}{n:04d}"

    # ---- staff ---------------------------------------------------------------------------
    def build_staff(self) -> None:
        rng = self.rng
        n_partners = max(2, round(self.n / 1500))
        n_managers = max(3, round(self.n / 350))
        n_others = max(3, round(self.n / 250))
        used: set[str] = set()
        self.staff: list[Rec] = []
        self.domain = "northbridge-advisory.example"

        def person() -> tuple[str, str]:
            for _ in range(1000):
                first = rng.choice(FIRST_M + FIRST_F)
                last = rng.choice(LAST)
                name = f"{first} {last}"
                if name_key(name) not in used:
                    used.add(name_key(name))
                    return first, name
            raise RuntimeError("ran out of staff names")

        def add(position: str, role: str) -> Rec:
            first, name = person()
            email = f"{_ascii(first).lower()}.{_ascii(name.split(' ', 1)[1]).lower()}@{self.domain}"
            rec = Rec([name, email, position, role])
            self.staff.append(rec)
            return rec

        self.partners = [add("Partner", "Partner") for _ in range(n_partners)]
        self.managers = [add("Client Manager", "Manager") for _ in range(n_managers)]
        positions = ["Senior Accountant", "Accountant", "Bookkeeper", "Practice Administrator"]
        self.others = [add(rng.choice(positions), "Standard") for _ in range(n_others)]
        self.new_staff: list[Rec] = []
        self.unlinked: list[Rec] = []
        self.not_in_team: list[Rec] = []

    # ---- clients -------------------------------------------------------------------------
    def new_client(self, kind: str, preset: tuple | None = None) -> Client:
        rng = self.rng
        c = Client(idx=len(self.clients) + len(self.extra_rows), kind=kind, name="")
        c.address, c.city, c.postcode, c.region = self.address()
        if kind == "individual":
            first, last, _male = preset or self.person()
            c.name, c.first, c.last = f"{first} {last}", first, last
            c.mods["male"] = _male
            c.structure = "Individual"
            c.code = self.code(last)
            dom = rng.choice(["example.com", "example.net", "example.org", "mail.example"])
            sep = rng.choice([".", "", "_"])
            c.email = self.email(f"{_ascii(first)}{sep}{_ascii(last)}", dom)
            c.phone = self.phone(True)
            c.dob = self.dob(first, last)
            c.tax = self.tax(9)
            c.services = ["itr"] + (["tax_planning"] if rng.random() < 0.08 else [])
            c.prior = ["Individual Tax Return"]
        else:
            c.name, c.base = preset or self.org_name(kind)
            c.structure = {"company": "Company", "trust": "Trust", "partnership": "Partnership"}[
                kind
            ]
            c.code = self.code(c.base.split()[0])
            slug = _ascii(
                c.name.replace("Pty", "").replace("Ltd", "").replace("Limited", "")
            ).lower()
            c.email = self.email(
                rng.choice(["accounts", "admin", "office", "info"]), f"{slug}.example"
            )
            c.phone = self.phone(False, c.region)
            c.tax = self.tax(11)
            if kind == "company":
                c.services = ["annual"]
                for key, p in (("bookkeeping", 0.45), ("payroll", 0.25), ("cosec", 0.6)):
                    if rng.random() < p:
                        c.services.append(key)
                if rng.random() < 0.1:
                    c.services.append("tax_planning")
            elif kind == "trust":
                c.services = ["annual", "trust"]
            else:
                c.services = ["annual"] + (["bookkeeping"] if rng.random() < 0.4 else [])
            c.prior = ["Annual Compliance"]
        c.job_manager = rng.choice(self.managers).values[0]
        c.partner = rng.choice(self.partners).values[0]
        c.account_manager = c.partner if rng.random() < 0.3 else c.job_manager
        c.ignition = rng.random() < 0.95
        c.proposals = c.ignition
        self.clients.append(c)
        return c

    def build_clients(self) -> None:
        rng = self.rng
        self.groups: list[list[Client]] = []
        n_group_clients = max(2, round(self.n * 0.07)) if self.n >= 20 else 0
        made = 0
        while made < n_group_clients:
            base = None
            for _ in range(500):
                cand = (
                    rng.choice(LAST)
                    if rng.random() < 0.5
                    else f"{rng.choice(BASE_A)} {rng.choice(BASE_B)}"
                )
                if name_key(f"{cand} Group") not in self.used_names:
                    base = cand
                    break
            if base is None:
                break
            self.used_names.add(name_key(f"{base} Group"))
            size = min(rng.randint(2, 4), n_group_clients - made)
            if size < 2:
                break
            members: list[Client] = []
            kinds = rng.sample(GROUP_MEMBERS, k=len(GROUP_MEMBERS))
            for i in range(size):
                if i == 0 and base in LAST and rng.random() < 0.5:
                    c = self._group_individual(base)
                elif i == size - 1 and size > 2:
                    c = self._group_org(
                        base, "trust", f"{base} {'Family' if base in LAST else 'Unit'} Trust"
                    )
                else:
                    c = self._group_org(base, "company", f"{base} {kinds[i]}")
                if c is None:
                    continue
                c.group = f"{base} Group"
                members.append(c)
            if len(members) >= 2:
                self.groups.append(members)
            made += size
        rest = self.n - len(self.clients)
        for _ in range(rest):
            r = rng.random()
            kind = (
                "individual"
                if r < 0.52
                else "company"
                if r < 0.82
                else "trust"
                if r < 0.93
                else "partnership"
            )
            self.new_client(kind)

    def _group_individual(self, last: str) -> Client | None:
        for _ in range(50):
            male = self.rng.random() < 0.5
            first = self.rng.choice(FIRST_M if male else FIRST_F)
            if self.claim(f"{first} {last}"):
                break
        else:
            return None
        return self.new_client("individual", (first, last, male))

    def _group_org(self, base: str, kind: str, name: str) -> Client | None:
        if not self.claim(name):
            return None
        return self.new_client(kind, (name, base))

    # ---- victims -------------------------------------------------------------------------
    def pick(self, n: int, code: str, pred) -> list[Client]:
        out: list[Client] = []
        if n <= 0:
            return out
        for c in self.pool:
            if not c.victim and pred(c):
                c.victim = code
                out.append(c)
                if len(out) == n:
                    break
        return out

    def inject_clients(self) -> None:
        rng = self.rng
        n = self.count()
        self.pool = [c for c in self.clients if not c.group]
        rng.shuffle(self.pool)

        def ind(c: Client) -> bool:
            return c.kind == "individual"

        def org(c: Client) -> bool:
            return c.kind != "individual"

        def ign(c: Client) -> bool:
            return c.ignition and c.proposals

        # -- item 10 / 11 / 9 / 15 need Ignition clients with particular services ---------------
        for i, c in enumerate(
            self.pick(n, "C10.E001", lambda c: ign(c) and "bookkeeping" in c.services)
        ):
            c.mods["C10.E001"] = 11 if i % 2 == 0 else 1
        for i, c in enumerate(self.pick(n, "C10.W002", lambda c: True)):
            c.mods["C10.W002"] = i
        for i, c in enumerate(self.pick(n, "C11.E001", ign)):
            c.mods["C11.E001"] = NON_STANDARD_STATES[i % len(NON_STANDARD_STATES)]
        for i, c in enumerate(self.pick(n, "C11.E002", lambda c: True)):
            c.mods["C11.E002"] = UNMAPPED_STATES[i % len(UNMAPPED_STATES)]
        no_tp = lambda c: ign(c) and "tax_planning" not in c.services  # noqa: E731
        for c in self.pick(n, "C09.E001", ign):
            c.mods["C09.E001"] = True
        for c in self.pick(n, "C09.E002", no_tp):
            c.mods["C09.E002"] = True
        for c in self.pick(n, "C09.E003", no_tp):
            c.mods["C09.E003"] = True
        for c in self.pick(n, "C09.W004", lambda c: True):
            c.mods["C09.W004"] = True
        for i, c in enumerate(self.pick(n, "C14.W001", no_tp)):
            c.mods["C14.W001"] = i
        for i, c in enumerate(self.pick(n, "C15.E001", ign)):
            c.mods["C15.E001"] = SUBSCRIPTION_LINES[i % len(SUBSCRIPTION_LINES)]
        for i, c in enumerate(self.pick(n, "C15.W002", lambda c: True)):
            c.mods["C15.W002"] = SUBSCRIPTION_JOBS[i % len(SUBSCRIPTION_JOBS)]

        # -- item 3 -----------------------------------------------------------------------------
        for c in self.pick(n, "C03.E001", ind):
            c.name = f"{c.last}, {c.first}"
            self.label("C03.E001", "xpm_clients", [c], c.name)
        for c in self.pick(n, "C03.E002", lambda c: ind(c) and "-" not in c.last):
            for _ in range(200):
                other = rng.choice(LAST)
                if other != c.last and " " not in other and self.claim(f"{c.first} {other}"):
                    c.last = other
                    break
            self.label("C03.E002", "xpm_clients", [c], c.name)
        for c in self.pick(n, "C03.W003", ind):
            c.name = f"{rng.choice(TITLES_M if c.mods['male'] else TITLES_F)} {c.name}"
            self.label("C03.W003", "xpm_clients", [c], c.name)
        for i, c in enumerate(self.pick(n, "C03.W004", ind)):
            c.name = [c.name.upper(), c.name.lower(), f"{c.first}  {c.last}"][i % 3]
            self.label("C03.W004", "xpm_clients", [c], c.name)

        # -- item 12 ----------------------------------------------------------------------------
        def abbr(c: Client) -> str:
            letters = "".join(_ascii(w)[:1] for w in c.name.split() if _ascii(w))
            return (letters.upper() + "XX")[:3] + f"{rng.randint(1, 99):02d}"

        e001_styles = [
            lambda c: f"{rng.randint(100, 9999)} {c.name}",
            lambda c: f"{abbr(c)} - {c.name}",
            lambda c: f"zz {c.name}",
            lambda c: f"{c.name} - DO NOT USE",
            lambda c: f"{c.name} (old)",
            lambda c: f"xx {c.name}",
            lambda c: f"{c.name} [{abbr(c)}]",
        ]
        e002_styles = [e001_styles[0], e001_styles[1], e001_styles[6]]
        for i, c in enumerate(self.pick(n, "C12.E001", org)):
            c.name = e001_styles[i % len(e001_styles)](c)
            c.ignition = c.proposals = False
            self.label("C12.E001", "xpm_clients", [c], c.name)
        for i, c in enumerate(self.pick(n, "C12.E002", org)):
            c.xero_name = c.name
            c.name = e002_styles[i % len(e002_styles)](c)
            c.ignition = c.proposals = c.invoices = False
            self.label("C12.E001", "xpm_clients", [c], c.name)
            self.label("C12.E002", "xpm_clients", [c], c.name)

        # -- item 13 (E001, E005, W004) ---------------------------------------------------------
        for i, c in enumerate(self.pick(n, "C13.E001", lambda c: True)):
            c.xero_name = self.near_variant(c, i)
            self.label("C13.E001", "xpm_clients", [c], c.name)
        for i, c in enumerate(self.pick(n, "C13.E005", lambda c: c.ignition)):
            c.ignition_name = self.near_variant(c, i)
            c.single_contact = True
            c.proposals = False
            c.mods["C13.E005"] = True
        for c in self.pick(n, "C13.W004", ind):
            twin = Client(idx=-1, kind="individual", name=c.name, first=c.first, last=c.last)
            twin.structure = "Individual"
            twin.code = self.code(c.last)
            twin.email = self.email(f"{_ascii(c.first)}.{_ascii(c.last)}", "example.net")
            twin.phone = self.phone(True)
            twin.dob = self.dob(c.first, c.last)
            twin.tax = self.tax(9)
            twin.address, twin.city, twin.postcode, twin.region = self.address()
            twin.account_manager, twin.job_manager = c.account_manager, c.job_manager
            self._extra(twin)
            self.label("C13.W004", "xpm_clients", [c, twin], c.name)

        # -- item 5 -----------------------------------------------------------------------------
        for c in self.pick(n, "C05.E001", lambda c: True):
            dup = Client(idx=-1, kind=c.kind, name=c.name, first=c.first, last=c.last)
            dup.structure = c.structure
            dup.address, dup.city, dup.postcode, dup.region = (
                c.address,
                c.city,
                c.postcode,
                c.region,
            )
            dup.account_manager, dup.job_manager = c.account_manager, c.job_manager
            self._extra(dup)
            self.label("C05.E001", "xpm_clients", [c, dup], c.name)
        for c in self.pick(n, "C05.W002", lambda c: True):
            dup = self.similar_client(c)
            if dup is None:
                c.victim = ""
                continue
            self._extra(dup)
            dup.jobs, dup.xero_name, dup.prior = "prior_only", "", list(c.prior)
            dup.mods["own_contact"] = True
            c.mods["C05.W002"] = dup
        for i in range(n):
            if i % 2 == 0:
                a = self.pick(1, "C05.W003", ind)
                b = self.pick(1, "C05.W003", lambda c, a=a: org(c) and _unlike(a, c))
                if a and b:
                    b[0].email = a[0].email
                    self.label("C05.W003", "xpm_clients", [a[0], b[0]], a[0].email)
            else:
                a = self.pick(1, "C05.W003", org)
                b = self.pick(1, "C05.W003", lambda c, a=a: org(c) and _unlike(a, c))
                if a and b:
                    b[0].tax = a[0].tax
                    self.label("C05.W003", "xpm_clients", [a[0], b[0]], a[0].tax)
        for i, c in enumerate(self.pick(n, "C05.W004", lambda c: True)):
            if i % 2 == 0:
                c.status = "Archived" if i % 4 == 0 else "Inactive"
                c.jobs = "prior_only"
            else:
                c.jobs = "none"
            c.ignition = c.proposals = c.invoices = False
            self.label("C05.W004", "xpm_clients", [c], c.name)
        for _ in range(n):
            blank = Client(idx=-1, kind="", name="")
            blank.code = self.code("ZZZ")
            blank.email = self.email(f"newclient{self.rng.randint(100, 999)}", "example.com")
            blank.phone = self.phone(True)
            blank.address, blank.city, blank.postcode, blank.region = self.address()
            self._extra(blank)
            self.label("C05.E005", "xpm_clients", [blank], "")

        # -- item 10.W003: a group member without any job -------------------------------------
        groups = [g for g in self.groups if len(g) >= 2]
        rng.shuffle(groups)
        for g in groups[:n]:
            c = g[-1]
            c.victim = "C10.W003"
            c.jobs = "none"
            c.ignition = c.proposals = c.invoices = False
            self.label("C10.W003", "xpm_clients", [c], c.name)
            self.label("C05.W004", "xpm_clients", [c], c.name)

        # -- item 13.W002 / W003 last: they need fuzzy isolation from every other name ----------
        contacts = self.contact_names()
        victims = self.isolated(
            [c for c in self.pool if not c.victim][: 6 * n],
            contacts,
            n,
        )
        for c in victims:
            c.victim = "C13.W002"
            c.xero_name = None
            c.invoices = False
            self.label("C13.W002", "xpm_clients", [c], c.name)
        if n:
            xpm_names = [name_key(c.name) for c in self.clients + self.extra_rows if c.name]
            fresh = []
            for _ in range(6 * n):
                kind = self.rng.choice(["company", "company", "trust"])
                name, _base = self.org_name(kind)
                fresh.append(name)
            fresh = self._filter_isolated(fresh, xpm_names, n)
            for i, name in enumerate(fresh):
                slug = _ascii(name.replace("Pty", "").replace("Ltd", "")).lower()
                rec = Rec(
                    [
                        name,
                        "",
                        self.email("accounts", f"{slug}.example"),
                        "",
                        "",
                        self.tax(11),
                        "",
                        "",
                        "",
                        "Australia",
                    ]
                )
                self.extra_contacts.append((rec, None))
                self.w003_invoices.append((name, f"PO-{4400 + i * 7 + self.rng.randint(0, 6)}"))
                self.label("C13.W003", "xero_contacts", [rec], name)

    def _extra(self, c: Client) -> None:
        c.idx = len(self.clients) + len(self.extra_rows)
        c.extra = True
        c.jobs = "none"
        c.xero_name = None
        c.ignition = c.proposals = c.invoices = False
        c.country = "Australia"
        self.extra_rows.append(c)

    def near_variant(self, c: Client, i: int) -> str:
        """A spelling equal to ``c.name`` after the spec normalisation, but not identical."""
        name = c.name
        if c.kind == "individual":
            return f"{c.first} {c.last.upper()}" if i % 2 == 0 else name.lower()
        options = []
        for a, b in (("Pty Ltd", "Pty. Ltd."), (" Limited", " Ltd"), (" Ltd", " Limited")):
            if name.endswith(a.strip()) and a in name:
                options.append(name[: name.rfind(a)] + b)
        if " & " in name:
            options.append(name.replace(" & ", " and "))
        options.append(name.upper())
        return options[i % len(options)]

    def similar_client(self, c: Client) -> Client | None:
        rng = self.rng
        if c.kind == "individual":
            candidates = []
            if c.first in SPELLING:
                candidates.append((SPELLING[c.first], c.last))
            if c.last in SPELLING:
                candidates.append((c.first, SPELLING[c.last]))
            candidates.append((c.last, c.first))  # entered family name first
            for first, last in candidates:
                if self.claim(f"{first} {last}"):
                    dup = Client(
                        idx=-1, kind="individual", name=f"{first} {last}", first=first, last=last
                    )
                    dup.structure = "Individual"
                    dup.dob = c.dob
                    break
            else:
                return None
        else:
            words = c.base.split()
            if len(words) == 2 and "&" not in c.base:
                new = c.name.replace(c.base, words[0] + words[1].lower(), 1)
            else:
                new = f"The {c.name}"
            if not self.claim(new):
                return None
            dup = Client(idx=-1, kind=c.kind, name=new)
            dup.structure = c.structure
        dup.phone = c.phone
        dup.address, dup.city, dup.postcode, dup.region = c.address, c.city, c.postcode, c.region
        dup.account_manager, dup.job_manager, dup.partner = (
            c.account_manager,
            c.job_manager,
            c.partner,
        )
        dup.code = ""
        _ = rng
        return dup

    def contact_names(self) -> list[str]:
        names = []
        for c in self.clients + self.extra_rows:
            if not c.name or c.xero_name is None:
                continue
            names.append(c.xero_name or c.name)
        return names

    def isolated(self, candidates: list[Client], contacts: list[str], n: int) -> list[Client]:
        keys = [name_key(c.name) for c in candidates]
        chosen = self._filter_isolated(keys, [name_key(x) for x in contacts], n, allow_self=True)
        picked = []
        chosen_set = list(chosen)
        for c, k in zip(candidates, keys, strict=True):
            if k in chosen_set and len(picked) < n:
                picked.append(c)
                chosen_set.remove(k)
        return picked

    def _filter_isolated(
        self, queries: list[str], choices: list[str], n: int, allow_self: bool = False
    ) -> list[str]:
        """Queries with no other choice within ratio / token_sort_ratio 85 (after name_key)."""
        if not queries or n <= 0:
            return []
        qkeys = [name_key(q) for q in queries]
        try:
            import numpy as np
            from rapidfuzz import fuzz, process
        except ImportError:  # pragma: no cover - rapidfuzz is a project dependency
            return queries[:n]
        hits = np.zeros(len(qkeys), dtype=np.int32)
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            m = process.cdist(
                qkeys, choices, scorer=scorer, score_cutoff=85, dtype=np.uint8, workers=-1
            )
            hits += (m > 0).sum(axis=1).astype(np.int32)
        allowed = 2 if allow_self else 0  # the candidate's own contact matches itself twice
        return [q for q, h in zip(queries, hits, strict=True) if h <= allowed][:n]

    # ---- staff problems --------------------------------------------------------------------
    def inject_staff(self) -> None:
        if not self.m:
            return
        k = max(1, round(len(self.staff) * STAFF_RATE * self.m))
        used_managers = {c.job_manager for c in self.clients}
        candidates = [s for s in self.managers if s.values[0] in used_managers]
        self.rng.shuffle(candidates)
        k_e001 = min(k, max(1, len(candidates) - 1))
        self.not_in_team = candidates[:k_e001]
        for s in self.not_in_team:
            self.label("C04.E001", "xpm_staff", [s], s.values[0])
        rest = [s for s in self.partners + self.managers if s not in self.not_in_team]
        self.rng.shuffle(rest)
        self.unlinked = rest[:k]
        for i in range(k):
            position = ["Graduate Accountant", "Administration Assistant"][i % 2]
            for _ in range(1000):
                first = self.rng.choice(FIRST_M + FIRST_F)
                last = self.rng.choice(LAST)
                name = f"{first} {last}"
                if all(name_key(name) != name_key(s.values[0]) for s in self.staff):
                    break
            rec = Rec(
                [
                    name,
                    f"{_ascii(first).lower()}.{_ascii(last).lower()}@{self.domain}",
                    position,
                    "Standard",
                ]
            )
            self.staff.append(rec)
            self.new_staff.append(rec)
            self.label("C04.W003", "xpm_staff", [rec], name)

    # ---- templates and services ------------------------------------------------------------
    def build_templates(self) -> None:
        k = self.fixed()
        templates = {name: (cat, list(tasks)) for name, (cat, tasks) in TEMPLATES.items()}
        dup_tasks = DUP_TASKS_W003[:k]
        for tpl, task in dup_tasks:
            tasks = templates[tpl][1]
            tasks.insert(tasks.index(task) + 2, task)
        for name, cat, tasks in BAD_TEMPLATES_E001[:k] + BAD_TEMPLATES_W002[:k]:
            templates[name] = (cat, list(tasks))
        first = len(TITLE_LINES["xpm_job_templates"]) + 2
        self.template_rows: list[list[str]] = []
        rows_of: dict[str, list[int]] = {}
        for name in sorted(templates, key=str.casefold):
            cat, tasks = templates[name]
            for order, task in enumerate(tasks, 1):
                row = first + len(self.template_rows)
                rows_of.setdefault(name, []).append(row)
                rows_of.setdefault(f"{name}\x00{task}", []).append(row)
                self.template_rows.append([name, task, str(order), cat])
        for name, _c, _t in BAD_TEMPLATES_E001[:k]:
            self.label("C07.E001", "xpm_job_templates", rows_of[name], name)
        for name, _c, _t in BAD_TEMPLATES_W002[:k]:
            self.label("C07.W002", "xpm_job_templates", rows_of[name], name)
        for tpl, task in dup_tasks:
            self.label("C07.W003", "xpm_job_templates", rows_of[f"{tpl}\x00{task}"], task)

    def build_services(self) -> None:
        k = self.fixed()
        rows = [
            [s, cat, bill, freq, _money(price), tpl]
            for s, cat, bill, freq, price, tpl in SERVICES.values()
        ]
        marks: dict[str, tuple[str, str]] = {}
        for s, cat, bill, freq, price in BAD_SERVICES_E001[:k]:
            rows.append([s, cat, bill, freq, _money(price), ""])
            marks[s] = ("C08.E001", s)
        for s, cat, bill, freq, price, tpl in BAD_SERVICES_E002[:k]:
            rows.append([s, cat, bill, freq, _money(price), tpl])
            marks[s] = ("C08.E002", tpl)
        for s, cat, bill, freq, price in BAD_SERVICES_W003[:k]:
            rows.append([s, cat, bill, freq, _money(price), ""])
            marks[s] = ("C08.W003", s)
        rows.sort(key=lambda r: r[0].casefold())
        self.service_rows = rows
        for i, r in enumerate(rows):
            if r[0] in marks:
                code, value = marks[r[0]]
                self.label(code, "ignition_services", [i + 2], value)

    # ---- jobs, proposals, invoices ---------------------------------------------------------
    def build_activity(self) -> None:
        rng = self.rng
        self.jobs: list[tuple] = []
        self.proposals: list[tuple] = []
        self.invoices: list[tuple] = []
        self.job_no = 0
        self.prop_no = 10000
        self.inv_no = 0
        unmapped_rows: dict[str, list[int]] = {}
        everyone = self.clients + self.extra_rows

        # 2024 jobs first (lower job numbers), in a shuffled client order.
        order = [c for c in everyone if c.jobs != "none"]
        rng.shuffle(order)
        for c in order:
            for tpl in c.prior:
                start = dt.date(PRIOR, rng.randint(1, 6), 1) + dt.timedelta(days=rng.randint(0, 27))
                state = "Completed"
                if "C11.E002" in c.mods:
                    state = c.mods.pop("C11.E002")
                row = self.add_job(c, f"{tpl} {PRIOR}", tpl, state, start, "")
                if state != "Completed":
                    unmapped_rows.setdefault(state, []).append(row)
        for state, rows in unmapped_rows.items():
            self.label("C11.E002", "xpm_jobs", rows, state)

        order = [c for c in self.clients if c.jobs == "normal"]
        rng.shuffle(order)
        for c in order:
            self.client_activity(c)
        for name, ref in self.w003_invoices:
            row = self.add_invoice(
                name, ref, dt.date(YEAR, rng.randint(2, 11), 10), "Consulting services", 850.0
            )
            _ = row

    def add_job(
        self,
        c: Client,
        name: str,
        tpl: str,
        state: str,
        start: dt.date,
        order_no: str,
        *,
        due=None,
        budget=None,
    ) -> int:
        rng = self.rng
        self.job_no += 1
        due = due or start + dt.timedelta(days=rng.randint(60, 170))
        category = TEMPLATES[tpl][0] if tpl in TEMPLATES else ""
        if budget is None:
            budget = next((s[4] for s in SERVICES.values() if s[5] == tpl), 500)
        self.jobs.append(
            (
                f"J{self.job_no:06d}",
                c.name,
                name,
                tpl,
                category,
                state,
                c.job_manager,
                c.partner,
                _dmy(start),
                _dmy(due),
                order_no,
                _money(budget),
            )
        )
        return len(self.jobs) + 1

    def add_invoice(
        self,
        contact: str,
        ref: str,
        date: dt.date,
        desc: str,
        amount: float,
        *,
        second: bool = False,
    ) -> int:
        rng = self.rng
        self.inv_no += 1
        number = f"INV-{self.inv_no:06d}"
        status = "PAID" if date.month < 9 and rng.random() < 0.7 else "AUTHORISED"
        due = _dmy(date + dt.timedelta(days=14))
        base = (contact, number, ref, _dmy(date), due)
        tail = ("200", "GST on Income", "AUD", status)
        self.invoices.append((*base, desc, "1", _money(amount), *tail))
        row = len(self.invoices) + 1
        if second:
            extra = ["Additional work", "Prior year adjustments", "Additional transactions"]
            self.invoices.append(
                (*base, rng.choice(extra), "1", _money(rng.randint(2, 12) * 50), *tail)
            )
        return row

    def add_proposal(self, c: Client, service_key: str, start: dt.date) -> tuple[str, int, float]:
        self.prop_no += 1
        s = SERVICES[service_key]
        price = round(s[4] * self.rng.uniform(0.8, 1.4) / 10) * 10
        ref = f"PROP-{self.prop_no}"
        client = c.ignition_name or c.name
        self.proposals.append(
            (ref, client, s[0], s[3], "Proposal", _money(price), "Accepted", start.isoformat())
        )
        return ref, len(self.proposals) + 1, price

    def client_activity(self, c: Client) -> None:
        rng = self.rng
        contact = c.xero_name or c.name
        mods = c.mods
        for position, key in enumerate(c.services):
            s = SERVICES[key]
            tpl = s[5]
            start = dt.date(YEAR, rng.randint(1, 6), 1) + dt.timedelta(days=rng.randint(0, 27))
            main = position == 0
            ref, _prop_row, price = "", 0, s[4]
            if c.proposals:
                ref, _prop_row, price = self.add_proposal(
                    c, key, start - dt.timedelta(days=rng.randint(7, 40))
                )
                if main and "C15.E001" in mods:
                    line = mods["C15.E001"]
                    self.proposals.append(
                        (
                            ref,
                            c.ignition_name or c.name,
                            line,
                            "Monthly",
                            "Proposal",
                            _money(rng.choice([35, 62, 90])),
                            "Accepted",
                            (start - dt.timedelta(days=7)).isoformat(),
                        )
                    )
                    self.label("C15.E001", "ignition_proposals", [len(self.proposals) + 1], line)
                if main and "C09.E002" in mods:
                    t = SERVICES["tax_planning"]
                    self.proposals.append(
                        (
                            ref,
                            c.ignition_name or c.name,
                            t[0],
                            t[3],
                            "Proposal",
                            _money(t[4]),
                            "Accepted",
                            (start - dt.timedelta(days=7)).isoformat(),
                        )
                    )
            state = rng.choice(STANDARD_STATES)
            name = f"{tpl} {YEAR}"
            if main and "C10.W002" in mods:
                i = mods["C10.W002"]
                name = (
                    f"{tpl} - {MONTHS[start.month - 1]} {YEAR}"
                    if i % 2 == 0
                    else f"{tpl} Q{(start.month - 1) // 3 + 1} {YEAR}"
                )
            if main and "C11.E001" in mods:
                state = mods["C11.E001"]
            due = min(start + dt.timedelta(days=rng.randint(60, 170)), dt.date(YEAR, 12, 20))
            row = self.add_job(c, name, tpl, state, start, ref, due=due, budget=price)
            job_no = self.jobs[-1][0]
            if main and "C10.W002" in mods:
                self.label("C10.W002", "xpm_jobs", [row], name)
            if main and "C11.E001" in mods:
                self.label("C11.E001", "xpm_jobs", [row], state)
            if key == "bookkeeping" and "C10.E001" in mods:
                extra = mods.pop("C10.E001")
                rows = [row]
                months = [m for m in range(1, 13) if m != start.month]
                if extra == 1:
                    months = [rng.choice(months)]
                for m in months:
                    d0 = dt.date(YEAR, m, 1)
                    rows.append(
                        self.add_job(
                            c,
                            name,
                            tpl,
                            "Planned",
                            d0,
                            "",
                            due=d0 + dt.timedelta(days=19),
                            budget=price / 12,
                        )
                    )
                self.label("C10.E001", "xpm_jobs", rows, c.name)
            if main and "C09.E002" in mods:
                t = "Tax Planning"
                self.add_job(c, f"{t} {YEAR}", t, "Planned", start + dt.timedelta(days=30), ref)
            # Invoices for this job.
            if not c.invoices:
                continue
            desc = s[0]
            if not c.proposals:
                self.add_invoice(
                    contact,
                    job_no,
                    start + dt.timedelta(days=20),
                    desc,
                    price,
                    second=rng.random() < 0.25,
                )
                continue
            if main and "C09.E002" in mods:
                row = self.add_invoice(contact, ref, start + dt.timedelta(days=14), desc, price)
                self.label("C09.E002", "xero_invoices", [row], ref)
                continue
            if s[3] == "Monthly":
                for m in range(start.month, min(start.month + 6, 13)):
                    d0 = dt.date(YEAR, m, 28)
                    self.add_invoice(
                        contact,
                        ref,
                        d0,
                        f"{desc} - {MONTHS[m - 1]} {YEAR}",
                        price,
                        second=rng.random() < 0.3,
                    )
            elif rng.random() < 0.6 or s[3] == "Once":
                self.add_invoice(
                    contact,
                    ref,
                    start + dt.timedelta(days=14),
                    desc,
                    price,
                    second=rng.random() < 0.3,
                )
            else:
                for q in range(4):
                    d0 = start + dt.timedelta(days=14 + 45 * q)
                    self.add_invoice(
                        contact,
                        ref,
                        d0,
                        f"{desc} - instalment {q + 1} of 4",
                        price / 4,
                        second=rng.random() < 0.2,
                    )

        # Extra jobs and invoices that are problems in themselves.
        when = dt.date(YEAR, rng.randint(3, 9), rng.randint(1, 28))
        if "C14.W001" in mods:
            i = mods["C14.W001"]
            if i % 2 == 0:
                name = ADHOC_NAMES[(i // 2) % len(ADHOC_NAMES)]
                row = self.add_job(c, name, "", "In Progress", when, "", budget=0)
                self.label("C14.W001", "xpm_jobs", [row], name)
            else:
                stale = f"PROP-{rng.randint(3000, 9000)}"
                row = self.add_job(
                    c, f"Tax Planning {YEAR}", "Tax Planning", "Planned", when, stale
                )
                self.label("C14.W001", "xpm_jobs", [row], stale)
        if "C15.W002" in mods:
            name = f"{mods['C15.W002']} {YEAR}"
            row = self.add_job(c, name, "", "Planned", when, "", budget=0)
            self.label("C15.W002", "xpm_jobs", [row], name)
        if "C09.E001" in mods:
            ref = f"CLI-{self.client_ids.get(c.idx, '1')}"
            row = self.add_invoice(contact, ref, when, "Fees as agreed", rng.randint(4, 40) * 50)
            self.label("C09.E001", "xero_invoices", [row], ref)
        if "C09.E003" in mods:
            ref, _row, price = self.add_proposal(c, "tax_planning", when - dt.timedelta(days=20))
            row = self.add_invoice(contact, ref, when, SERVICES["tax_planning"][0], price)
            self.label("C09.E003", "xero_invoices", [row], ref)
        if "C09.W004" in mods:
            row = self.add_invoice(contact, "", when, "Additional advice", rng.randint(2, 20) * 50)
            self.label("C09.W004", "xero_invoices", [row], f"INV-{self.inv_no:06d}")

    # ---- final tables ----------------------------------------------------------------------
    def build_ignition_ids(self) -> None:
        order = [c for c in self.clients if c.ignition]
        self.rng.shuffle(order)
        for i, c in enumerate(order):
            self.client_ids[c.idx] = str(100001 + i)
        self.ignition_order = order

    def finish(self) -> None:
        rng = self.rng
        # xpm_clients: sorted by name, blank names last.
        everyone = self.clients + self.extra_rows
        everyone.sort(key=lambda c: (c.name == "", c.name.casefold(), c.idx))
        for i, c in enumerate(everyone):
            c.row = i + 2
        self.xpm_rows = everyone
        # C05.W002 labels need rows: value = the name in the first row of the cluster.
        for c in self.clients:
            dup = c.mods.get("C05.W002")
            if dup is not None:
                first = c if c.row < dup.row else dup
                self.label("C05.W002", "xpm_clients", [c, dup], first.name)
        # Xero contacts.
        contacts: list[Rec] = []
        seen: set[str] = set()
        for c in everyone:
            if not c.name or c.xero_name is None:
                continue
            name = c.xero_name or c.name
            if name in seen:
                continue
            seen.add(name)
            contacts.append(
                Rec(
                    [
                        name,
                        c.code,
                        c.email,
                        c.first,
                        c.last,
                        c.tax if c.kind != "individual" else "",
                        c.address,
                        c.city,
                        c.postcode,
                        c.country,
                    ]
                )
            )
        contacts.extend(rec for rec, _ in self.extra_contacts)
        contacts.sort(key=lambda r: r.values[0].casefold())
        for i, r in enumerate(contacts):
            r.row = i + 2
        self.contact_rows = contacts
        # Ignition clients (one row per contact).
        rows: list[list[str]] = []
        contact_id = 500000
        for c in self.ignition_order:
            name = c.ignition_name or c.name
            cid = self.client_ids[c.idx]
            if c.kind == "individual":
                people = [(f"{c.first} {c.last}", c.email)]
            else:
                count = 1 if c.single_contact else rng.choice([1, 1, 2])
                people = []
                slug = c.email.split("@", 1)[1]
                for _ in range(count):
                    male = rng.random() < 0.5
                    first = rng.choice(FIRST_M if male else FIRST_F)
                    last = rng.choice(LAST)
                    people.append((f"{first} {last}", f"{_ascii(first).lower()}@{slug}"))
            for person, email in people:
                contact_id += 1
                rows.append([name, person, email, cid, str(contact_id)])
                if c.mods.get("C13.E005"):
                    self.label("C13.E005", "ignition_clients", [len(rows) + 1], name)
        self.ignition_rows = rows
        # Staff and team.
        self.staff.sort(key=lambda r: r.values[0].casefold())
        for i, r in enumerate(self.staff):
            r.row = i + 2
        team = []
        for s in self.staff:
            if s in self.not_in_team or s in self.new_staff:
                continue
            role = "Admin" if s.values[3] == "Partner" else "Member"
            rec = Rec([s.values[0], s.values[1], role, "" if s in self.unlinked else s.values[0]])
            team.append(rec)
            if s in self.unlinked:
                self.label("C04.E002", "ignition_team", [rec], s.values[0])
        for i, r in enumerate(team):
            r.row = i + 2
        self.team_rows = team

    # ---- writing ---------------------------------------------------------------------------
    def tables(self) -> dict[str, list]:
        return {
            "xpm_clients": [c.values() for c in self.xpm_rows],
            "xpm_jobs": self.jobs,
            "xpm_staff": [r.values for r in self.staff],
            "xpm_job_templates": self.template_rows,
            "ignition_clients": self.ignition_rows,
            "ignition_team": [r.values for r in self.team_rows],
            "ignition_services": self.service_rows,
            "ignition_proposals": self.proposals,
            "xero_contacts": [r.values for r in self.contact_rows],
            "xero_invoices": self.invoices,
        }


def _write_csv(path: Path, header: list[str], rows: list, encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _write_xlsx(path: Path, titles: list[str], header: list[str], rows: list) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties(
        {"created": dt.datetime(YEAR, 8, 1, 9, 0, 0), "author": "Xero Practice Manager"}
    )
    ws = wb.add_worksheet("Templates")
    bold = wb.add_format({"bold": True})
    r = 0
    for title in titles:
        ws.write_string(r, 0, title, bold)
        r += 1
    for col, h in enumerate(header):
        ws.write_string(r, col, h, bold)
    for values in rows:
        r += 1
        for col, v in enumerate(values):
            ws.write_string(r, col, str(v))
    wb.close()


def generate(out_dir: Path, *, clients: int, seed: int, problems: str = "default") -> dict:
    """Write the ten exports and labels.json into ``out_dir``; return a summary."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = _Practice(clients, seed, problems)
    p.build_staff()
    p.build_clients()
    p.build_templates()
    p.build_services()
    p.inject_clients()
    p.inject_staff()
    p.build_ignition_ids()
    p.build_activity()
    p.finish()

    counts: dict[str, int] = {}
    for kind, rows in p.tables().items():
        header = [h for _f, h in HEADERS[kind]]
        path = out / FILES[kind]
        if path.suffix == ".xlsx":
            _write_xlsx(path, TITLE_LINES.get(kind, []), header, rows)
        else:
            _write_csv(path, header, rows, ENCODINGS.get(kind, "utf-8"))
        counts[kind] = len(rows)

    labels: dict[str, list[dict[str, Any]]] = {}
    for lab in p.labels:
        labels.setdefault(lab.code, []).append(lab.resolve())
    labels = {
        code: sorted(v, key=lambda e: (e["file"], e["rows"], e["value"]))
        for code, v in sorted(labels.items())
    }
    doc = {
        "version": 1,
        "seed": seed,
        "clients": clients,
        "problems": problems,
        "files": dict(FILES),
        "labels": labels,
    }
    (out / "labels.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return {
        "out_dir": str(out),
        "files": {kind: {"file": FILES[kind], "rows": counts[kind]} for kind in FILES},
        "labels": {code: len(v) for code, v in labels.items()},
        "seconds": round(time.perf_counter() - started, 2),
    }
