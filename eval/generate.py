#!/usr/bin/env python3
"""Generates eval/data/messages.jsonl: labelled synthetic messages for the analyser evaluation.

Deterministic: a fixed seed for both `random.Random` and Faker (en_GB), no use of today's date, no
iteration over sets, so the output is byte-identical across runs for the pinned Faker version.

Every message is built from a template whose slots are filled with (text, types) parts, so label
offsets come from the assembly itself, never from searching the text afterwards. Offsets are Python
str indices (Unicode code points), end exclusive. See eval/README.md for the label rules.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from faker import Faker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from community_templates import COMMUNITY_TEMPLATES  # noqa: E402

SEED = 20250117
N_PII = 1100        # "pii" messages, of which N_CASE carry a case (a people list)
N_CASE = 210
N_CLEAN = 360

TYPES = ["PERSON", "CASE_PERSON", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "PHONE_NUMBER", "EMAIL",
         "NHS_NUMBER", "UK_NINO"]

# --------------------------------------------------------------------------------------------- data

CHILD_FIRST = [
    "Jayden", "Kaden", "Kayden", "Tyler", "Leah", "Chloe", "Kai", "Aaliyah", "Amir", "Oliwia", "Zainab",
    "Chidi", "Mason", "Harley", "Alfie", "Riley", "Evie", "Lacey", "Skye", "Tia", "Keira", "Demi",
    "Callum", "Reece", "Brandon", "Liam", "Connor", "Ellie-Mae", "Lily-Rose", "Ruby", "Amelia", "Freya",
    "Isla", "Jaxon", "Logan", "Bailey", "Kacey", "Mohammed", "Yusuf", "Ayaan", "Maryam", "Fatima",
    "Oskar", "Zofia", "Jakub", "Ioana", "Andrei", "Tomasz", "Blessing", "Tanisha", "Shania", "Darnell",
    "Malachi", "Theo", "Archie", "Poppy", "Millie", "Darcy", "Kyle", "Jordan", "Cody", "Courtney",
    "Jade", "Shannon", "Nathan", "Ethan", "Noah", "Harper", "Sienna", "Mia", "Layla", "Hamza",
    "Ibrahim", "Ayesha", "Kofi", "Ama", "Temi", "Tobi", "Precious", "Zoë", "Siobhán", "Chloé", "Łukasz",
    "Grace", "Rose", "Will", "Mark", "Hope", "Joy", "Bill", "Summer", "Frank", "Holly", "Daisy",
]
NICKS = {
    "Jayden": "Jay", "Kayden": "Kay", "Kaden": "Kade", "Tyler": "Ty", "Callum": "Cal", "Connor": "Con",
    "Brandon": "Bran", "Mohammed": "Mo", "Alexander": "Alex", "Oliver": "Ollie", "Charlotte": "Lottie",
    "Elizabeth": "Lizzie", "Isabella": "Izzy", "Daniel": "Danny", "Thomas": "Tommy", "Samuel": "Sammy",
    "Joshua": "Josh", "Benjamin": "Benji", "Matthew": "Matty", "Jessica": "Jess", "Rebecca": "Becky",
    "Jacob": "Jake", "Harrison": "Harry", "Frederick": "Freddie", "Zainab": "Zee", "Aaliyah": "Liyah",
    "Malachi": "Chi", "Jaxon": "Jax", "Kacey": "Kace", "Darnell": "Nell", "Nathan": "Nate",
    "Ibrahim": "Ibby", "Tanisha": "Tash", "Shannon": "Shan", "Courtney": "Court", "Jordan": "Jordy",
    "Andrei": "Andy", "Tomasz": "Tomek", "Jakub": "Kuba", "Millie": "Mills", "Amelia": "Millie",
    "Darcy": "Darce", "Archie": "Arch", "Ellie-Mae": "Ellie", "Lily-Rose": "Lils", "Temi": "Tems",
    "Christopher": "Chris", "Michael": "Mikey", "Anthony": "Tony", "Jennifer": "Jen", "Katherine": "Kate",
    "Margaret": "Maggie", "Victoria": "Vicky", "Stephanie": "Steph", "Nicholas": "Nicky",
}
PET_NAMES = ["Bubba", "Moo", "Bean", "Tink", "Smudge", "Peanut", "Pickle", "Button", "Squidge", "Bug"]
DIVERSE_LAST = [
    "Okafor", "Nowak", "Hussain", "Begum", "Patel", "Kowalski", "Mensah", "Ahmed", "Khan", "Osei",
    "Adeyemi", "Wiśniewska", "Nguyen", "Popescu", "O'Brien", "McDonagh", "Ali", "Mahmood", "Achterberg",
    "Da Silva", "Smith-Jones", "Okonkwo", "Boateng", "Kaur", "Singh", "Murphy", "Doherty", "Ó Súilleabháin",
]
# The communities set (--communities): each person's names come from one origin, drawn from Faker's
# locales for it. SafeComms' name lists come from the ONS and the US census, never from Faker, so this
# set measures names the detector was not taught. Every PERSON label carries its person's origin.
ORIGINS = {
    "English": ["en_GB"], "Irish": ["en_IE"], "Polish": ["pl_PL"], "Romanian": ["ro_RO"],
    "Lithuanian": ["lt_LT"], "Portuguese": ["pt_PT"], "Nigerian": ["yo_NG", "ig_NG", "ha_NG"],
    "Ghanaian": ["tw_GH"], "South Asian": ["en_IN", "en_PK"],
}
NAME_SHAPE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

WORDLIKE_FIRST = ["Grace", "Rose", "Will", "Mark", "Hope", "Joy", "Bill", "Summer", "Frank", "Holly", "Daisy"]

TOWNS = [  # (town, postcode outward choices)
    ("Poole", [f"BH{n}" for n in range(12, 18)]), ("Bournemouth", [f"BH{n}" for n in range(1, 12)]),
    ("Weymouth", ["DT3", "DT4"]), ("Dorchester", ["DT1", "DT2"]), ("Bridport", ["DT6"]),
    ("Wimborne", ["BH21"]), ("Christchurch", ["BH23"]), ("Swanage", ["BH19"]), ("Blandford", ["DT11"]),
    ("Coventry", [f"CV{n}" for n in range(1, 7)]), ("Lincoln", [f"LN{n}" for n in range(1, 7)]),
    ("Grantham", ["NG31"]), ("Boston", ["PE21"]), ("Skegness", ["PE25"]), ("Gainsborough", ["DN21"]),
    ("Leeds", [f"LS{n}" for n in range(1, 18)]), ("Manchester", [f"M{n}" for n in range(1, 41)]),
    ("Birmingham", [f"B{n}" for n in range(1, 46)]), ("Bristol", [f"BS{n}" for n in range(1, 17)]),
    ("London", ["E1", "E8", "E17", "N7", "N22", "SE1", "SE15", "SE28", "SW2", "SW9", "SW19", "E1W", "W1T", "EC1V"]),
    ("Nottingham", [f"NG{n}" for n in range(1, 12)]), ("Leicester", [f"LE{n}" for n in range(1, 6)]),
    ("Sheffield", [f"S{n}" for n in range(1, 15)]),
]
STREET_BASES = ["Oak", "Elm", "Church", "Mill", "Station", "Victoria", "Kings", "Queens", "Park", "Meadow",
                "Orchard", "Chapel", "Windsor", "Grange", "Springfield", "Highfield", "Manor", "Green",
                "Wessex", "Ashley", "Beech", "Willow", "Harbour", "Sandbanks", "Fernside", "Alder"]
STREET_SUFFIXES = ["Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Gardens", "Crescent",
                   "Court", "Place", "Grove", "Terrace", "Walk", "Mews", "Rise"]
ABBREV = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Close": "Cl", "Drive": "Dr", "Crescent": "Cres"}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters never include C I K M O V

# Mobile ranges 071-075 and 077-079; geographic codes with their local-number lengths.
MOBILE_PREFIXES = ["071", "072", "073", "074", "075", "077", "078", "079"]
LANDLINE_CODES = [("0117", 7), ("0113", 7), ("0114", 7), ("0115", 7), ("0116", 7), ("0121", 7),
                  ("0161", 7), ("0151", 7), ("0191", 7), ("020", 8), ("024", 8), ("01202", 6),
                  ("01305", 6), ("01425", 6), ("01929", 6), ("01258", 6), ("01522", 6), ("01476", 6),
                  ("01205", 6), ("01754", 6), ("01308", 6)]

EMAIL_DOMAINS_FREE = ["gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "icloud.com", "live.co.uk",
                      "btinternet.com"]
EMAIL_DOMAINS_WORK = ["bcpcouncil.gov.uk", "dorsetcouncil.gov.uk", "coventry.gov.uk", "lincolnshire.gov.uk",
                      "nhs.net", "dorset.police.uk", "leeds.gov.uk"]
SCHOOL_DOMAINS = ["oakdale.poole.sch.uk", "parkstone.dorset.sch.uk", "lincolnacademy.org.uk",
                  "whitley.coventry.sch.uk"]

SCHOOLS = ["Oakdale Junior School", "Parkstone Grammar", "St Edward's School", "Poole High School",
           "Lincoln Castle Academy", "Whitley Academy", "Corfe Hills School", "Thomas Hardye School",
           "the pupil referral unit", "Bournemouth and Poole College", "Boston College"]
ROLES = ["social worker", "key worker", "family support worker", "personal adviser", "early help worker",
         "youth worker", "independent reviewing officer"]
PRO_TITLES = [("PC", "police"), ("DC", "police"), ("Dr", "GP"), ("Mrs", "class teacher"), ("Mr", "head of year"),
              ("Ms", "school nurse"), ("Miss", "SENCo"), ("Mr", "housing officer"), ("Ms", "health visitor")]
PARENT_TITLES_F = ["Mrs", "Ms", "Miss"]
PARENT_TITLES_M = ["Mr"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EMOJI = ["😊", "👍", "🙂", "🙏", "👋", "😀", "✅"]

# ------------------------------------------------------------------------------------- validators


def nhs_check_digit(nine: str) -> int | None:
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_valid(digits: str) -> bool:
    digits = re.sub(r"[ -]", "", digits)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    c = nhs_check_digit(digits[:9])
    return c is not None and c == int(digits[9])


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"      # not D F I Q U V
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"      # not D F I O Q U V
NINO_BANNED = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]


def nino_valid(text: str) -> bool:
    s = re.sub(r"\s", "", text).upper()
    m = re.fullmatch(r"([A-Z])([A-Z])\d{6}[A-D]", s)
    return bool(m) and m.group(1) in NINO_FIRST and m.group(2) in NINO_SECOND and s[:2] not in NINO_BANNED


def edit_distance_le1(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if len(a) > len(b):
        a, b = b, a
    for i in range(len(b)):
        if b[:i] + b[i + 1:] == a:
            return True
    return False


# ------------------------------------------------------------------------------------- generator


class Gen:
    def __init__(self, seed: int, communities: bool = False):
        self.r = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.communities = communities
        self.fakes: dict[str, Faker] = {}
        if communities:
            for i, locale in enumerate(loc for locs in ORIGINS.values() for loc in locs):
                self.fakes[locale] = Faker(locale)
                self.fakes[locale].seed_instance(seed + i)

    def origin(self) -> str:
        return self.r.choice(list(ORIGINS))

    def _one_word(self, draw) -> str:
        while True:
            w = draw()
            if NAME_SHAPE.fullmatch(w):
                return w

    def origin_first(self, origin: str) -> str:
        return self._one_word(self.fakes[self.r.choice(ORIGINS[origin])].first_name)

    def origin_last(self, origin: str) -> str:
        return self._one_word(self.fakes[self.r.choice(ORIGINS[origin])].last_name)

    # ---- names
    def first_name(self, child: bool) -> str:
        if child and self.r.random() < 0.6:
            return self.r.choice(CHILD_FIRST)
        name = self.fake.first_name()
        return name

    def last_name(self) -> str:
        if self.r.random() < 0.3:
            return self.r.choice(DIVERSE_LAST)
        return self.fake.last_name()

    def alias_for(self, first: str) -> tuple[str, bool]:
        """(alias, is_a_name)."""
        if first in NICKS and self.r.random() < 0.8:
            return NICKS[first], True
        return self.r.choice(PET_NAMES), False

    def misspell(self, name: str) -> str | None:
        """One plausible edit (insert, delete or substitute one letter) to a first name of five letters or
        more ("Jayden" -> "Jaden", "Kaden" -> "Kayden")."""
        if len(name) < 5 or not name.isascii() or "-" in name:
            return None
        low = name.lower()
        options = []
        vowels = "aeiouy"
        for i in range(1, len(name)):              # drop a y/h, an e by another vowel or at the end, or a doubled letter
            e_ok = low[i] == "e" and (i == len(name) - 1 or low[i - 1] in vowels or low[i + 1] in vowels)
            if low[i] in "yh" or e_ok or (i + 1 < len(name) and low[i] == low[i + 1]):
                options.append(name[:i] + name[i + 1:])
        for i in range(1, len(name) - 1):          # double an interior consonant
            if low[i] in "lnrt" and low[i + 1] != low[i] and low[i - 1] != low[i]:
                options.append(name[:i + 1] + name[i] + name[i + 1:])
        for i in range(1, len(name)):              # i <-> y, ie -> ey ...
            if low[i] == "i":
                options.append(name[:i] + "y" + name[i + 1:])
            elif low[i] == "y":
                options.append(name[:i] + "i" + name[i + 1:])
        for i in range(1, len(name) - 2):          # insert a y after an a ("Kaden" -> "Kayden")
            if low[i] == "a" and low[i + 1] in "dln" and low[i + 2] in "aeiou":
                options.append(name[:i + 1] + "y" + name[i + 1:])
        # one insertion, deletion or substitution (no transpositions)
        options = [o for o in options if o.lower() != low and edit_distance_le1(o, name)
                   and (len(o) != len(name) or sum(a != b for a, b in zip(o.lower(), low)) == 1)]
        if not options:
            return None
        return self.r.choice(options)

    # ---- numbers and ids
    def mobile(self) -> str:
        if self.r.random() < 0.2:
            # Faker's en_GB mobiles (Ofcom drama range, several formats)
            return self._faker_phone(self.fake.cellphone_number)
        digits = self.r.choice(MOBILE_PREFIXES) + "".join(self.r.choice("0123456789") for _ in range(8))
        fmt = self.r.choices(["5-6", "11", "+44 4-6", "+44", "5-3-3", "+44 (0)"], [5, 3, 2, 1, 1, 1])[0]
        if fmt == "5-6":
            return f"{digits[:5]} {digits[5:]}"
        if fmt == "11":
            return digits
        if fmt == "+44 4-6":
            return f"+44 {digits[1:5]} {digits[5:]}"
        if fmt == "+44":
            return f"+44{digits[1:]}"
        if fmt == "5-3-3":
            return f"{digits[:5]} {digits[5:8]} {digits[8:]}"
        return f"+44 (0){digits[1:5]} {digits[5:]}"

    @staticmethod
    def _national(n: str) -> str:
        d = n.replace("(0)", "")
        d = re.sub(r"\D", "", d)
        return "0" + d[2:] if d.startswith("44") else d

    def _faker_phone(self, draw) -> str:
        """Faker's en_GB numbers (Ofcom drama ranges), kept when 11 digits and geographic or mobile."""
        while True:
            n = draw()
            nat = self._national(n)
            if len(nat) == 11 and nat[:2] in ("01", "02", "07"):
                return n

    def landline(self) -> str:
        if self.r.random() < 0.2:
            return self._faker_phone(self.fake.phone_number)
        code, local_len = self.r.choice(LANDLINE_CODES)
        if code == "020":
            local = self.r.choice("378") + "".join(self.r.choice("0123456789") for _ in range(7))
        elif code == "024":
            local = "7" + self.r.choice("67") + "".join(self.r.choice("0123456789") for _ in range(6))
        else:
            local = self.r.choice("2345678") + "".join(self.r.choice("0123456789") for _ in range(local_len - 1))
        if local_len == 8:
            spaced = f"{local[:4]} {local[4:]}"
        elif local_len == 7:
            spaced = f"{local[:3]} {local[3:]}"
        else:
            spaced = local
        fmt = self.r.choices(["plain", "paren", "compact", "+44"], [5, 2, 2, 1])[0]
        if fmt == "plain":
            return f"{code} {spaced}"
        if fmt == "paren":
            return f"({code}) {spaced}"
        if fmt == "compact":
            return code + local
        return f"+44 {code[1:]} {spaced}"

    def nhs(self) -> str:
        while True:
            nine = str(self.r.randint(1, 9)) + "".join(self.r.choice("0123456789") for _ in range(8))
            c = nhs_check_digit(nine)
            if c is not None:
                break
        d = nine + str(c)
        fmt = self.r.choices(["3-3-4", "10", "hyphen"], [5, 3, 2])[0]
        if fmt == "3-3-4":
            return f"{d[:3]} {d[3:6]} {d[6:]}"
        if fmt == "10":
            return d
        return f"{d[:3]}-{d[3:6]}-{d[6:]}"

    def bad_nhs(self) -> str:
        """Ten digits that are an invoice or order number, not an NHS number. Random, as real reference
        numbers are, so about one in eleven passes the NHS mod-11 check by chance (an earlier version
        drew only numbers that fail it, which hid exactly the mistake a check-digit-only detector makes)."""
        d = str(self.r.randint(1, 9)) + "".join(self.r.choice("0123456789") for _ in range(9))
        return self.r.choice([d, d, f"{d[:3]} {d[3:6]} {d[6:]}"])

    def nino(self) -> str:
        while True:
            prefix = self.r.choice(NINO_FIRST) + self.r.choice(NINO_SECOND)
            if prefix not in NINO_BANNED:
                break
        digits = "".join(self.r.choice("0123456789") for _ in range(6))
        suffix = self.r.choice("ABCD")
        if self.r.random() < 0.55:
            s = f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        else:
            s = f"{prefix}{digits}{suffix}"
        assert nino_valid(s), s
        return s

    # ---- places
    def street(self) -> str:
        base = self.fake.last_name() if self.r.random() < 0.5 else self.r.choice(STREET_BASES)
        return f"{base} {self.r.choice(STREET_SUFFIXES)}"

    def place(self) -> dict:
        town, outwards = self.r.choice(TOWNS)
        if self.r.random() < 0.25:
            while True:  # Faker's en_GB postcodes, kept only when they have a valid shape
                pc = self.fake.postcode()
                if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", pc) and pc[-2] not in "CIKMOV" and pc[-1] not in "CIKMOV":
                    break
        else:
            pc = f"{self.r.choice(outwards)} {self.r.randint(1, 9)}{self.r.choice(INWARD_LETTERS)}{self.r.choice(INWARD_LETTERS)}"
        number = str(self.r.randint(1, 180))
        if self.r.random() < 0.08:
            number += self.r.choice("ab")
        flat = f"Flat {self.r.randint(1, 24)}, " if self.r.random() < 0.15 else ""
        return {"flat": flat, "number": number, "street": self.street(), "town": town, "postcode": pc}

    def dob_date(self, child: bool) -> date:
        if child:
            return self.fake.date_between_dates(date(2005, 1, 1), date(2024, 6, 30))
        return self.fake.date_between_dates(date(1970, 1, 1), date(2003, 12, 31))

    def fmt_date(self, d: date, kind: str = "any") -> str:
        day, month, year = d.day, d.month, d.year
        suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        mname = MONTHS[month - 1]
        if kind == "of":
            return f"{day}{suffix} of {mname} {year}"
        choices = [
            (f"{day:02d}/{month:02d}/{year}", 4), (f"{day}/{month}/{year}", 1), (f"{day}.{month}.{year % 100:02d}", 1),
            (f"{day:02d}.{month:02d}.{year}", 1), (f"{day}{suffix} {mname} {year}", 2), (f"{day} {mname} {year}", 2),
            (f"{mname} {day} {year}", 1), (f"{mname} {day}, {year}", 1), (f"{year}-{month:02d}-{day:02d}", 1),
            (f"{day:02d}-{month:02d}-{year}", 1), (f"{day}/{month}/{year % 100:02d}", 1), (f"{day} {mname[:3]} {year}", 1),
        ]
        return self.r.choices([c for c, _ in choices], [w for _, w in choices])[0]

    def appt_date(self) -> str:
        d = self.fake.date_between_dates(date(2025, 1, 6), date(2026, 12, 18))
        day, month = d.day, d.month
        suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        wd = DAYS[d.weekday()]
        return self.r.choice([
            f"{day:02d}/{month:02d}/{d.year}", f"{day}{suffix} {MONTHS[month - 1]}", f"{wd} {day}{suffix} {MONTHS[month - 1]}",
            f"{d.year}-{month:02d}-{day:02d}", f"{day} {MONTHS[month - 1]} {d.year}", f"{wd} {day}{suffix}",
            f"{day}/{month}", f"{day:02d}.{month:02d}.{d.year % 100:02d}",
        ])

    def time(self) -> str:
        h = self.r.randint(8, 18)
        m = self.r.choice([0, 0, 15, 30, 30, 45])
        return self.r.choice([f"{h}:{m:02d}", f"{h:02d}:{m:02d}", f"{(h - 1) % 12 + 1}{'.' + format(m, '02d') if m else ''}{'am' if h < 12 else 'pm'}"])

    def money(self) -> str:
        v = self.r.choice([self.r.randint(5, 90), self.r.randint(100, 2500), self.r.randint(1000, 4000)])
        return self.r.choice([f"£{v}", f"£{v:,}.00", f"£{v:,}", f"£{v}.{self.r.randint(0, 99):02d}"])

    def email_for(self, first: str, last: str, work: bool) -> str:
        def clean(s: str) -> str:
            s = s.lower().replace("'", "").replace(" ", "").replace("-", "")
            return "".join(ch for ch in s if ch.isascii() and ch.isalnum()) or "x"
        f, l = clean(first), clean(last)
        if work:
            dom = self.r.choice(EMAIL_DOMAINS_WORK + SCHOOL_DOMAINS)
            local = self.r.choice([f"{f}.{l}", f"{f[0]}{l}", f"{f}.{l}{self.r.randint(1, 9)}"])
        else:
            if self.r.random() < 0.2:
                return self.fake.free_email()
            dom = self.r.choice(EMAIL_DOMAINS_FREE)
            local = self.r.choice([f"{f}{l}", f"{f}.{l}", f"{f}{self.r.randint(1, 99)}", f"{f}_{l}{self.r.randint(70, 99)}",
                                   f"{f[:1]}{l}{self.r.randint(1, 999)}"])
            # People give a personal address in words too: dictated ("jo dot smith at gmail dot com"),
            # or written so that robots do not collect it ("jo(at)gmail.com").
            if self.r.random() < 0.15:
                return self.spoken_email(local, dom)
        return f"{local}@{dom}"

    def spoken_email(self, local: str, dom: str) -> str:
        style = self.r.choice(["dictated", "dictated", "brackets", "square"])
        if style == "dictated":
            return f"{local.replace('.', ' dot ')} at {dom.replace('.', ' dot ')}"
        if style == "brackets":
            return f"{local}(at){dom}"
        return f"{local} [at] {dom.replace('.', ' [dot] ')}"


# -------------------------------------------------------------------------------------- templates
# Slots: {cf} child first name ({cf_lc} lower case), {cfull}, {cl}; {pf} {pfull} {pt} parent (pt = title
# + surname, only the surname labelled); {wf} {wfull} worker; {xf} {xfull} {xt} another professional;
# {wmob} {pmob} {cmob} mobiles, {land} landline, {phone} either; {wemail} {pemail} {xemail} {cemail};
# {nhs} {nino} {dob} {pdob} {dobth} ("4th of May 2012"); {addr} {addr_st} {pc}; unlabelled: {town}
# {school} {wrole} {xrole} {time} {day} {adate} {money} {caseref} {grantref} {room} {bus} {yeargroup}
# {pct} {page} {badnum} {hn} (hard-negative sentence) {emo} {emo_pre}. A digit suffix ({time2}) draws
# an independent value.

YP = [  # worker <-> young person, mostly casual
    "hi {cf_lc} its {wf} from the leaving care team, can u call me back on {wmob} when u get a sec{emo}",
    "Hi {cf}, it's {wf}. Just checking you're ok for {day} at {time}? Text me on {wmob} if not.",
    "{cf} ur appointment at the job centre is {day} {time}. bring ur NI number ({nino}) and some ID",
    "hey {cf_lc}, {wf} here. I'll pick you up from {addr_st} at {time} for the review.",
    "Hi {cf}, your National Insurance number is {nino}. Keep it somewhere safe and don't post it online.",
    "Morning {cf}! The bus to college is the {bus} from the high street. Any probs ring the office on {land}.",
    "{cf} can u send me ur new address pls, is it {addr}? Need it for the housing form",
    "hi {cf_lc} just to confirm ur new flat is {addr} {pc}, keys on {day}{emo}",
    "Hi {cf}, the dentist needs your NHS number, it's {nhs}. I've told them you'll be there at {time}.",
    "{cf}, I will call you tomorrow. If you lose signal my work email is {wemail}",
    "{emo_pre}hiya {cf_lc}, hope college went ok. can u ring me on {wmob}",
    "Hi {cf}, for your provisional licence form I need your date of birth ({dob}) and postcode ({pc}) to match.",
    "{cf} your new PA is {wfull}, their number is {wmob}. I've passed on your email ({cemail}).",
    "Hi {cf} it's {wf}. You may want to bring your passport on {day}; the bank also wants proof of address ({addr}).",
    "hi {cf_lc}, {xt} from the youth offending team asked me to pass on this number: {phone}",
    "Hey {cf}, well done on your exams!! Speak {day}. {wf}",
    "Hi {cf}, I've emailed the housing officer ({xemail}) about the damp at {addr_st}.",
    "{cf} pls can u text me ur new number, the one I have is {cmob} and it's not working",
    "hi {cf_lc} u left ur bank card at the office, its in the safe. {wf}",
    "Hi {cf}, the college has your date of birth as {dob}, is that right? {hn}",
    "{cf_lc} its {wf_lc}, where r u? we said {time} outside the library",
    "Hi {cf}. I've booked the GP for {day} at {time}. Their number is {land} if you need to change it. Your NHS no. is {nhs}.",
    "{cf}, good news, the flat at {addr} is yours from {adate}. Postcode for the sat nav: {pc}",
    "Hiya {cf}! Your PIP form needs your NI no {nino} and your email {cemail}. I'll help you fill it in {day}.",
    "Hi {cf}, {hn} Call me on {wmob} or email {wemail}.",
    "{cf} ur mum rang, she wants u to ring her on {pmob}. {wf}",
    "morning {cf_lc}{emo} the review got moved to {adate}, same time ({time}). {wf}",
    "Hi {cf}, please don't share your address ({addr_st}) on Snapchat. {hn}",
    "Hey {cf_lc}, reminder: your bank needs your date of birth, it's {dob} right? {wf_lc}",
    "{cf} - {xfull} from the college will ring you from {land} about your course. {hn}",
    "hi {cf_lc} the job centre said ur ni number is {nino}, write it down somewhere safe",
    "Hi {cf}, your payslip has the wrong NI number. Yours is {nino}; I've emailed {xemail} to fix it.",
]

PARENT = [
    "Dear {pt}, I am writing to confirm the review meeting on {adate} at {time} in {room}. Kind regards, {wfull}, {wrole}",
    "Hi {pf}, it's {wf} ({wrole}). Can you ring me on {wmob} about {cf}'s school place?",
    "Hello {pt}, the school nurse needs {cf}'s NHS number. Is it {nhs}? Thanks, {wf}",
    "Dear {pt}, please find attached the plan for {cfull} (DOB {dob}). Any questions, call {land}. {wfull}",
    "Hi {pf}, just a reminder that {cf}'s contact is {day} at {time}. The bill for the trip is {money}, no need to pay it yet.",
    "{pf} can u confirm ur address is still {addr}, {pc}? Need it for the paperwork (ref {caseref})",
    "Hi {pf}, we hope {cf} enjoyed the holidays. I'll pop round to {addr_st} on {day}.",
    "Dear {pt}, I have your NI number as {nino} and your date of birth as {pdob}. Please let me know if either is wrong.",
    "Hello {pt}, I've been given {phone} as your number; is that right? {wfull}",
    "Hi {pf}, {cf} was born on the {dobth}, wasn't {cf_pron}? The GP letter has a different date.",
    "Dear {pt}, thank you for meeting me today. As discussed, {cf} will start at {school} in {yeargroup}. {wf}",
    "Hi {pf}, the health visitor {xfull} will call you from {phone} on {day}.",
    "{pf}, your email {pemail} bounced, can you check it? Mine is {wemail}.",
    "Hi {pt}, please send the form to {wemail} by {day}. Mark the date: the next review is {adate}.",
    "Dear {pt}, {cfull}, {dob}, {addr}, {pc} - these are the details we hold. Please check them.",
    "Good morning {pt}. {cf} did really well at the activity day{emo} I will call you {day} to talk about the plan.",
    "Hi {pf}, {hn} Could you bring {cf}'s red book? {cf_pron_cap} NHS number is on the front: {nhs}.",
    "Dear {pt},\n\nThank you for your call. I have updated your mobile number to {pmob} and your email to {pemail}.\n\nKind regards\n{wfull}\n{wrole}",
    "Hello {pf}, {cf} left {cf_pron_pos} coat at contact. I can drop it to {addr} after {time}.",
    "Dear {pt}, the grant ({grantref}) for {money} has been approved for {cfull}. {hn}",
    "Hi {pf}, {cf} and {cf2} are both booked in for the dentist. Please bring their NHS numbers ({nhs} and {nhs2}).",
    "{pt}, I tried ringing {land} but no answer. Please call me back on {wmob}. {wfull}",
    "Hi {pf}, it's {wf}. Will {cf} be home after school? I want to pop round to {addr_st} around {time}.",
    "Dear {pt}, I attach the minutes. Please note {cf}'s date of birth is recorded as {dob} and your address as {addr}.",
    "Hi {pf}, sorry I missed you{emo} can you text me a time that suits? I'm on {wmob}",
    "Hello {pt}, the school have asked us to update {cf}'s emergency contact. Is it still {pfull} on {pmob}?",
    "Hi {pf}, for the Healthy Start form I need your NI number ({nino}?) and {cf}'s date of birth, {dob}.",
]

PRO = [
    "Hi {xf}, referral for {cfull}, DOB {dob}, NHS no. {nhs}, address {addr} {pc}. Mum is {pfull}, mobile {pmob}. Thanks, {wfull}",
    "{xt}, could you send {cf}'s attendance for {yeargroup} to {wemail}? Case ref {caseref}.",
    "Dear {xt}, I am the allocated {wrole} for {cfull} ({dob}). Please could you call me on {land}.",
    "{xt} - the address for {cf}'s mum is {addr}, {pc}. She's on {pmob}.",
    "Hi {xf}, the strategy meeting is {day} at {time} in {room}. Attendees: {wfull}, {xfull2} and {pt}.",
    "Health visitor {xfull} has asked for {cf}'s NHS number: {nhs}. I've checked it against the GP letter.",
    "For info: {pfull}'s NI number is {nino}, needed for the benefits check (ref {grantref}).",
    "{xf}, please don't use {badnum}, that's the invoice number, not the NHS number. The NHS number is {nhs}.",
    "Hi {xf}, {cfull} moved to {addr} last week. New postcode {pc}. Home phone {land}.",
    "Email from {xemail}: {cfull} was absent on {adate}. {pct} attendance this term.",
    "Dear {xt},\n\nRe: {cfull}, d.o.b. {dob}\n\nI am writing to request a copy of the health assessment. Our reference is {caseref}.\n\nRegards,\n{wfull}\n{wrole}\n{land}",
    "{xfull} ({xrole}) is covering for me this week - {xemail} / {phone}. {hn}",
    "Quick one {xf}: is {pfull}'s date of birth {pdob}? The housing form says otherwise.",
    "Hi {xf}, the family have moved from {addr_st} to {addr2}, {pc2}. {hn}",
    "{xt}, {cf} ({dob}) disclosed at school today. I will call you after {time}. {wf}",
    "Can you add {cfull}, born {dob}, NHS {nhs}, to the list for {day}? Thanks {xf}",
    "Dear colleagues, please note {wfull} is now the lead professional for {cfull}. Contact: {wemail}, {wmob}.",
    "Hi {xf}, NI number for {pfull} is {nino} and NHS number for {cf} is {nhs}. Both checked. {wf}",
    "Hi {xf}, I can't find {cf} on the system. Tried {cfull} and DOB {dob}. Postcode {pc}. Any ideas?",
    "{xt}: {pt} called from {phone} to say {cf} won't be in on {day}. {hn}",
    "Hi {xf}, thanks for today. {hn} Notes to follow to {xemail}.",
    "Transfer summary: {cfull}, {dob}, {addr}, {pc}. Carer: {pfull}, {pmob}, {pemail}. NI: {nino}.",
    "Hi {xf}, can you check national insurance no. {nino} against {pfull}? The DWP letter has {pt} at {addr_st}.",
]

# Case messages: the person on the case is referred to through {cf}/{cf_lc}/{cfull} only.
CASE_ONLY = [
    "Hi {cf}, it's {wf}. Just checking you're ok for {day} at {time}?",
    "hi {cf_lc} its {wf}, can u call me when u get a sec{emo}",
    "{cf}'s review has been moved to {adate} at {time}. {hn}",
    "Can someone check {cf}'s school bag? The medication letter is in it.",
    "Just spoken to {cf}. All fine, {hn}",
    "{cf} did brilliantly at the football today{emo}",
    "Is {cf} still at {addr}? The GP letter came back.",
    "{cfull} - contact moved to {day}. I will call the foster carer.",
    "Reminder: {cf}'s date of birth on the form should be {dob}, not {adate}.",
    "Hi all, {cf}'s PEP meeting is {day} at {time} in {room}.",
    "{cf} has asked for a new phone. I'll talk to the team on {day}.",
    "Dear colleague, {cfull} ({dob}) has moved. New postcode {pc}.",
    "Please could you confirm {cf}'s address as {addr_st}?",
    "hey {cf_lc} ur bus pass is ready, pick it up from reception {day}",
    "{cf} was upset after contact. {hn} Please call me on {wmob}.",
    "Morning! Has anyone heard from {cf}? Not answering since {time} yesterday.",
    "The panel agreed {money} for {cf}'s school uniform (grant {grantref}).",
    "{cf} told me {cf_pron} wants to do the {bus} bus on {cf_pron_pos} own now.",
    "Can we move {cf}'s visit to {time}? {hn}",
    "I've updated {cf}'s plan; see page {page}.",
]

# The issue asks for "ordinary professional messages with no personal data". Text speak is not
# professional for a practitioner (PD-1.5 warns about it), so the clean set is written in plain English:
# three earlier templates in text speak ("can u", "ur") made 23 clean messages draw PD-1.5 warnings.
CLEAN = [
    "Hi, just a reminder that the review is {day} at {time} in {room}. Please quote {caseref}.",
    "Morning, the {money} grant ({grantref}) has been approved. {hn}",
    "Hi, it's the leaving care team. Could you ring the office when you get a moment?",
    "Thanks for today. The next meeting is {adate} at {time}.",
    "{yeargroup} parents' evening is on {day}, {time} to {time2}.",
    "Attendance is {pct} this term, up from {pct2}. {hn}",
    "The minibus leaves at {time}; the {bus} bus is the backup.",
    "Your travel pass has been topped up with {money}.",
    "Training: safeguarding refresher, {day} {time}, {room}. See page {page} of the handbook.",
    "Dear parent/carer, {hn} The trip costs {money} and leaves at {time}.",
    "Hello! {hn} {hn2}",
    "Please note the office will be closed on {adate}. {hn}",
    "Hiya, could you bring your bank statement on {day}? {hn}",
    "Team meeting moved to {time} in {room}. Agenda item 3 is on page {page}.",
    "The foster carers' support group meets {day} at {time}. Tea and biscuits provided{emo}",
    "Reminder: the pupil premium claim ({grantref}) closes {adate}.",
    "Hi all, {hn} The room is booked from {time} to {time2}.",
    "Case {caseref} has been closed. {hn}",
    "Can you let me know if {time} {day} works? {hn}",
    "The invoice ({badnum}) for {money} has been paid. Ref {caseref}.",
    "Dear all,\n\nThe panel will sit on {adate} at {time} in {room}. Papers by {day}, please.\n\nMany thanks",
    "{yeargroup} trip: {money} deposit by {day}. {hn}",
    "{hn} {hn2} Thanks.",
    "Homework club is {day} {time} in {room}. Bus {bus} stops outside.",
    "We've had {pct} of forms back so far. Deadline is {adate}.",
    "Well done everyone!{emo} {hn}",
    "The reference for the transport grant is {grantref}; budget remaining {money}.",
    "Thanks, I've logged it under {caseref}. {hn}",
    "Can you send the figures by {time}? {hn}",
    "Our purchase order number is {badnum}. {hn}",
    "{emo_pre}hi, running 10 mins late, be there by {time}",
    "Good afternoon. The {yeargroup} review is {adate}; please read pages {page}-{page2} beforehand.",
    "Hi, is {day} at {time} still ok for the home visit? {hn}",
    "Quarterly figures: {pct} of plans reviewed on time, {pct2} of visits within timescale.",
    "The duty line is open until {time}. {hn}",
]

HARD_NEG = [
    "I will call you back after the {time} meeting.", "You may want to bring a coat, it's forecast to rain.",
    "We hope the new routine is working.", "By the grace of the housing team, the repairs are now booked.",
    "Please mark the date in your diary.", "The bill for the trip is {money}.",
    "We could meet by the rose garden in the park.", "Will you be able to make {day} at {time}?",
    "May I remind you the office closes at {time}.", "The office on the high street is shut for refurbishment.",
    "Bus {bus} stops outside the library.", "Please quote reference {caseref}.",
    "It was a real joy to see everyone at the summer fair.", "Frank feedback from the panel was helpful.",
    "Sunny spells are forecast for {day}, so the picnic is on.", "The grant ({grantref}) covers {pct} of the cost.",
    "See page {page} of the handbook.", "Invoice {badnum} has been paid.",
    "The review on {adate} is confirmed for {room}.", "Art club has moved to {day}.",
    "The April newsletter is out.", "Parking on the main road is limited.",
    "Summer term starts on {adate}.", "Chase the form up if you haven't heard by {day}.",
    "It's miles from anywhere, so allow extra time.", "We hope to have an answer by {day}.",
    "Mark it as urgent please.", "I will bring the forms.", "You may get a letter from the council.",
    "Hope you're well.", "May half term dates are on the website.", "There is a charge of {money} for lost passes.",
    "The meeting on {adate} at {time} is still on.", "Order number {badnum} is for the laptop.",
    "Grace and I will both be there.",  # placeholder, replaced below (never used: contains a name)
    "Our new building is on Church Lane, next to the library.", "Parking is free after {time}.",
    "Sorry for the late reply.", "Happy Easter!", "The Christmas party is {adate}.",
    "Please read section {page} before {day}.", "Year 11 mock exams start in June.",
]
HARD_NEG = [h for h in HARD_NEG if not h.startswith("Grace and I")]

ROOMS = ["Meeting Room 2", "Room 3.12", "the Civic Centre", "the family room", "Conference Room B",
         "the Hub", "Room G04", "the library meeting room"]
YEAR_GROUPS = [f"Year {n}" for n in range(1, 14)] + ["Reception", "the sixth form"]


def cap_first(s: str) -> str:
    return s[:1].upper() + s[1:]


class Message:
    """Assembles text from (text, types) parts and records the label spans."""

    def __init__(self):
        self.parts: list[tuple[str, tuple[str, ...]]] = []

    def add(self, text: str, types: tuple[str, ...] = (), origin: str | None = None):
        if text:
            self.parts.append((text, types, origin))

    def build(self) -> tuple[str, list[dict]]:
        text, labels, pos = "", [], 0
        for t, types, origin in self.parts:
            for ty in types:
                label = {"type": ty, "start": pos, "end": pos + len(t)}
                if origin is not None:
                    label["origin"] = origin
                labels.append(label)
            text += t
            pos += len(t)
        return text, labels


class Scenario:
    """The people and details of one message; each slot returns a list of (text, types) parts."""

    def __init__(self, g: Gen, case: bool, register: str):
        self.g, self.case, self.register = g, case, register
        r = g.r
        self.cache: dict[str, list] = {}
        # Origins of the family, the worker and the other professionals (communities set only).
        self.origin = self.w_origin = self.x_origin = self.x2_origin = None
        if g.communities:
            self.origin, self.w_origin, self.x_origin, self.x2_origin = (g.origin() for _ in range(4))
        # child / young person
        self.c_first = g.first_name(child=True) if not g.communities else g.origin_first(self.origin)
        self.c_last = g.last_name() if not g.communities else g.origin_last(self.origin)
        self.c_female = r.random() < 0.5
        self.c2_first = g.first_name(child=True) if not g.communities else g.origin_first(self.origin)
        while self.c2_first == self.c_first:
            self.c2_first = g.first_name(child=True) if not g.communities else g.origin_first(self.origin)
        # parent
        self.p_female = r.random() < 0.75
        self.p_first = g.first_name(child=False) if not g.communities else g.origin_first(self.origin)
        self.p_last = self.c_last if r.random() < 0.6 else (
            g.last_name() if not g.communities else g.origin_last(self.origin))
        self.p_title = r.choice(PARENT_TITLES_F if self.p_female else PARENT_TITLES_M)
        # worker and another professional
        self.w_first, self.w_last = self._someone(self.w_origin)
        t, role = r.choice(PRO_TITLES)
        self.x_title, self.x_role = t, role
        self.x_first, self.x_last = (g.fake.first_name(), g.last_name()) if not g.communities else self._someone(
            self.x_origin)
        self.x2_first, self.x2_last = self._someone(self.x2_origin)
        self.w_role = r.choice(ROLES)
        self.place = g.place()
        self.place2 = g.place()
        self.c_dob = g.dob_date(child=True)
        self.p_dob = g.dob_date(child=False)
        self.people: list[dict] = []
        self.ref_form = None
        if case:
            self._make_case()

    def _someone(self, origin: str | None) -> tuple[str, str]:
        if origin is None:
            return self.g.fake.first_name(), self.g.fake.last_name()
        return self.g.origin_first(origin), self.g.origin_last(origin)

    # ---- the case
    def _make_case(self):
        g, r = self.g, self.g.r
        alias, alias_is_name = g.alias_for(self.c_first)
        aliases = [alias]
        if r.random() < 0.3:
            extra = r.choice(PET_NAMES)
            if extra != alias:
                aliases.append(extra)
        self.c_aliases = aliases
        self.alias_is_name = {a: (a == alias and alias_is_name) for a in aliases}
        addr = self._addr_text(self.place, with_town=True, casual=False, abbreviate=False)
        child = {"name": f"{self.c_first} {self.c_last}", "aliases": aliases,
                 "date_of_birth": self.c_dob.isoformat(), "address": addr, "postcode": self.place["postcode"]}
        others = []
        if r.random() < 0.6:
            others.append({"name": f"{self.p_first} {self.p_last}", "aliases": [],
                           "date_of_birth": self.p_dob.isoformat(), "address": addr, "postcode": self.place["postcode"]})
        if r.random() < 0.3:
            sib_dob = g.dob_date(child=True)
            others.append({"name": f"{self.c2_first} {self.c_last}", "aliases": [],
                           "date_of_birth": sib_dob.isoformat(), "address": addr, "postcode": self.place["postcode"]})
        self.people = [child] + others
        if r.random() < 0.5:
            r.shuffle(self.people)
        # the form used to refer to the child in the text
        modes = ["first", "full", "alias", "misspelt", "lower"]
        mode = r.choices(modes, [4, 2, 2, 2, 1])[0]
        if mode == "misspelt":
            m = g.misspell(self.c_first)
            if m is None:
                mode = "first"
            else:
                self.ref_form = (m, True)
        if mode == "alias":
            a = r.choice(aliases)
            self.ref_form = (a, self.alias_is_name[a])
        elif mode == "full":
            self.ref_form = (f"{self.c_first} {self.c_last}", True)
        elif mode == "lower":
            self.ref_form = (self.c_first.lower(), True)
        elif mode == "first":
            self.ref_form = (self.c_first, True)
        self.ref_mode = mode
        # nobody else named in the message may look like a case person
        case_names = []
        for p in self.people:
            case_names += p["name"].split() + p["aliases"]
        for attr, origin in [(("w_first", "w_last"), self.w_origin), (("x_first", "x_last"), self.x_origin),
                             (("x2_first", "x2_last"), self.x2_origin)]:
            while any(edit_distance_le1(getattr(self, a), n) for a in attr for n in case_names):
                first, last = self._someone(origin)
                setattr(self, attr[0], first)
                setattr(self, attr[1], last)

    # ---- helpers
    def _addr_text(self, p: dict, with_town: bool, casual: bool, abbreviate: bool) -> str:
        street = p["street"]
        if abbreviate:
            base, suf = street.rsplit(" ", 1)
            street = f"{base} {ABBREV.get(suf, suf)}"
        comma = "," if self.g.r.random() < 0.1 else ""
        s = f"{p['flat']}{p['number']}{comma} {street}"
        if with_town:
            s += f", {p['town']}"
        return s.lower() if casual else s

    def _name(self, text: str, origin: str | None) -> list:
        return [(text, ("PERSON",), origin)]

    def _pc_text(self, pc: str) -> str:
        v = self.g.r.random()
        if v < 0.12:
            return pc.replace(" ", "")
        if v < 0.2:
            return pc.lower()
        return pc

    def pron(self) -> tuple[str, str, str]:
        return ("she", "her", "Her") if self.c_female else ("he", "his", "His")

    # ---- slot resolution
    def slot(self, name: str) -> list:
        if name in self.cache:
            return self.cache[name]
        base = re.sub(r"\d+$", "", name)
        parts = self._slot(base, name)
        self.cache[name] = parts
        return parts

    def _slot(self, base: str, name: str) -> list:
        g, r = self.g, self.g.r
        casual = self.register == "casual"
        if base in ("cf", "cf_lc", "cfull"):
            if self.case:
                text, is_name = self.ref_form
                types = ("CASE_PERSON", "PERSON") if is_name else ("CASE_PERSON",)
                return [(text, types, self.origin)]
            if base == "cfull":
                return self._name(f"{self.c_first} {self.c_last}", self.origin)
            if base == "cf_lc":
                return self._name(self.c_first.lower() if r.random() < 0.6 else self.c_first, self.origin)
            return self._name(self.c_first, self.origin)
        if base == "cf2":
            return self._name(self.c2_first, self.origin)
        if base == "cf2_lc":
            return self._name(self.c2_first.lower(), self.origin)
        if base == "pf_lc":
            return self._name(self.p_first.lower(), self.origin)
        if base == "cl":
            return self._name(self.c_last, self.origin)
        if base == "cf_pron":
            return [(self.pron()[0], ())]
        if base == "cf_pron_pos":
            return [(self.pron()[1], ())]
        if base == "cf_pron_cap":
            return [(self.pron()[2], ())]
        if base == "pf":
            return self._name(self.p_first, self.origin)
        if base == "pfull":
            return self._name(f"{self.p_first} {self.p_last}", self.origin)
        if base == "pt":
            return [(self.p_title + " ", ()), (self.p_last, ("PERSON",), self.origin)]
        if base in ("wf", "wf_lc"):
            return self._name(self.w_first.lower() if base == "wf_lc" else self.w_first, self.w_origin)
        if base == "wfull":
            return self._name(f"{self.w_first} {self.w_last}", self.w_origin)
        if base == "xf":
            return self._name(self.x_first, self.x_origin)
        if base == "xfull":
            if name == "xfull2":
                return self._name(f"{self.x2_first} {self.x2_last}", self.x2_origin)
            return self._name(f"{self.x_first} {self.x_last}", self.x_origin)
        if base == "xt":
            return [(self.x_title + " ", ()), (self.x_last, ("PERSON",), self.x_origin)]
        if base == "wrole":
            return [(self.w_role, ())]
        if base == "xrole":
            return [(self.x_role, ())]
        if base in ("wmob", "pmob", "cmob"):
            return [(g.mobile(), ("PHONE_NUMBER",))]
        if base == "land":
            return [(g.landline(), ("PHONE_NUMBER",))]
        if base == "phone":
            return [(g.mobile() if r.random() < 0.5 else g.landline(), ("PHONE_NUMBER",))]
        if base == "wemail":
            return [(g.email_for(self.w_first, self.w_last, work=True), ("EMAIL",))]
        if base == "xemail":
            return [(g.email_for(self.x_first, self.x_last, work=True), ("EMAIL",))]
        if base == "pemail":
            return [(g.email_for(self.p_first, self.p_last, work=False), ("EMAIL",))]
        if base == "cemail":
            return [(g.email_for(self.c_first, self.c_last, work=False), ("EMAIL",))]
        if base == "nhs":
            return [(g.nhs(), ("NHS_NUMBER",))]
        if base == "nino":
            return [(g.nino(), ("UK_NINO",))]
        if base == "dob":
            return [(g.fmt_date(self.c_dob), ("DATE_OF_BIRTH",))]
        if base == "pdob":
            return [(g.fmt_date(self.p_dob), ("DATE_OF_BIRTH",))]
        if base == "dobth":
            return [(g.fmt_date(self.c_dob, "of"), ("DATE_OF_BIRTH",))]
        if base in ("addr", "addr_st"):
            p = self.place2 if name == "addr2" else self.place
            with_town = base == "addr" and (r.random() < 0.85)
            text = self._addr_text(p, with_town, casual and r.random() < 0.4, r.random() < 0.12)
            return [(text, ("ADDRESS",))]
        if base == "pc":
            p = self.place2 if name == "pc2" else self.place
            return [(self._pc_text(p["postcode"]), ("POSTCODE",))]
        if base == "town":
            return [(self.place["town"], ())]
        if base == "school":
            return [(r.choice(SCHOOLS), ())]
        if base == "time":
            return [(g.time(), ())]
        if base == "day":
            d = r.choice(DAYS[:5])
            n = r.randint(1, 28)
            suffix = "th" if 11 <= n <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
            return [(r.choice([d, f"{d} {n}{suffix}", f"next {d}", d.lower() if casual else d, "tomorrow"]), ())]
        if base == "adate":
            return [(g.appt_date(), ())]
        if base == "money":
            return [(g.money(), ())]
        if base == "caseref":
            return [(r.choice([f"CR-{r.randint(2019, 2026)}-{r.randint(1, 9999):04d}", f"CS/{r.randint(10000, 99999)}",
                               f"EH{r.randint(100000, 999999)}", f"LAC-{r.randint(100, 999)}"]), ())]
        if base == "grantref":
            return [(r.choice([f"GR/{r.randint(2023, 2026)}/{r.randint(1, 9999):04d}", f"HSF-{r.randint(1000, 9999)}",
                               f"PP{r.randint(10000, 99999)}"]), ())]
        if base == "room":
            return [(r.choice(ROOMS), ())]
        if base == "bus":
            return [(str(r.choice([1, 2, 3, 4, 5, 8, 10, 13, 18, 33, 40, 52, 60, 152, 190, "X54", "m1", "m2"])), ())]
        if base == "yeargroup":
            return [(r.choice(YEAR_GROUPS), ())]
        if base == "pct":
            return [(f"{r.randint(40, 99)}{r.choice(['', '.5'])}%", ())]
        if base == "page":
            return [(str(r.randint(2, 48)), ())]
        if base == "badnum":
            return [(g.bad_nhs(), ())]
        if base == "hn":
            tpl = r.choice(HARD_NEG)
            return self.expand(tpl)
        if base == "emo":
            return [(r.choice([" ", ""]) + r.choice(EMOJI), ())] if r.random() < 0.35 else []
        if base == "emo_pre":
            return [(r.choice(EMOJI) + " ", ())] if r.random() < 0.5 else []
        raise KeyError(name)

    def expand(self, template: str) -> list:
        parts: list = []
        pos = 0
        for m in re.finditer(r"\{(\w+)\}", template):
            if m.start() > pos:
                parts.append((template[pos:m.start()], ()))
            parts.extend(self.slot(m.group(1)))
            pos = m.end()
        if pos < len(template):
            parts.append((template[pos:], ()))
        return parts


CASE_FORBIDDEN = re.compile(r"\{(pf|pf_lc|pfull|pt|cl|cf2|cf2_lc|nhs2|dobth|pdob)\d*\}")


def make_message(g: Gen, kind: str, case: bool) -> dict:
    r = g.r
    if kind == "clean":
        tpl = r.choice(CLEAN)
        register = "casual" if tpl[:1].islower() else "formal"
        sc = Scenario(g, False, register)
        parts = sc.expand(tpl)
        people: list = []
    else:
        if g.communities and r.random() < 0.5:
            # Templates written blind, never tuned against the detector (eval/community_templates.py).
            pool = [t for t in COMMUNITY_TEMPLATES if not case or not CASE_FORBIDDEN.search(t)]
            tpl = r.choice(pool)
        elif case:
            pool = CASE_ONLY + [t for t in YP + PARENT + PRO
                                if not CASE_FORBIDDEN.search(t) and re.search(r"\{(cf|cf_lc|cfull)\}", t)]
            tpl = r.choice(pool)
        else:
            family = r.choices(["yp", "parent", "pro"], [4, 4, 3])[0]
            tpl = r.choice({"yp": YP, "parent": PARENT, "pro": PRO}[family])
        register = "casual" if (tpl[:1].islower() or re.search(r"\b(ur|u|pls|hiya|hey)\b", tpl)) else "formal"
        sc = Scenario(g, case, register)
        parts = sc.expand(tpl)
        # sometimes a hard-negative sentence is added at the start or end
        if r.random() < 0.25:
            extra = sc.expand(r.choice(HARD_NEG))
            parts = (extra + [(" ", ())] + parts) if r.random() < 0.4 else (parts + [(" ", ())] + extra)
        people = sc.people
    msg = Message()
    for part in parts:
        msg.add(*part)
    text, labels = msg.build()
    if kind == "pii" and register == "casual" and r.random() < 0.12:
        lowered = text.lower()
        if len(lowered) == len(text):
            text = lowered
    labels.sort(key=lambda l: (l["start"], l["end"], TYPES.index(l["type"])))
    return {"kind": kind, "text": text, "people": people, "labels": labels}


def validate(m: dict):
    text = m["text"]
    for lab in m["labels"]:
        s, e = lab["start"], lab["end"]
        assert 0 <= s < e <= len(text), (m["id"], lab)
        span = text[s:e]
        assert span == span.strip(), (m["id"], lab, span)
        if lab["type"] == "NHS_NUMBER":
            assert nhs_valid(span), (m["id"], span)
        if lab["type"] == "UK_NINO":
            assert nino_valid(span), (m["id"], span)
        if lab["type"] == "CASE_PERSON":
            assert m["people"], m["id"]
    if m["kind"] == "clean":
        assert m["labels"] == [] and m["people"] == [], m["id"]
        assert "@" not in text, m["id"]
        assert not re.search(r"(?<!\d)0\d{4} ?\d{5,6}(?!\d)|\+44", text), (m["id"], text)
    for p in m["people"]:
        assert list(p.keys()) == ["name", "aliases", "date_of_birth", "address", "postcode"], p


def generate(seed: int = SEED, communities: bool = False) -> list[dict]:
    g = Gen(seed, communities)
    specs = [("pii", i < N_CASE) for i in range(N_PII)] + [("clean", False)] * N_CLEAN
    g.r.shuffle(specs)
    out, seen = [], set()
    for kind, case in specs:
        for _ in range(50):
            m = make_message(g, kind, case)
            if m["text"] not in seen:
                break
        seen.add(m["text"])
        m = {"id": f"m{len(out) + 1:04d}", **m}
        validate(m)
        out.append(m)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "data" / "messages.jsonl"))
    ap.add_argument("--samples", type=int, default=0, help="print N labelled examples")
    ap.add_argument("--seed", type=int, default=SEED,
                    help="another seed gives a held-out set: the same kinds of message, different people and draws")
    ap.add_argument("--communities", action="store_true",
                    help="names from the UK's communities (Faker locales per origin), labelled with their origin, "
                         "and half the messages from templates written blind (eval/community_templates.py)")
    args = ap.parse_args(argv)
    messages = generate(args.seed, args.communities)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps({k: m[k] for k in ("id", "kind", "text", "people", "labels")}, ensure_ascii=False) + "\n"
                   for m in messages).encode("utf-8")
    out.write_bytes(data)
    kinds = Counter(m["kind"] for m in messages)
    counts = Counter(l["type"] for m in messages for l in m["labels"])
    with_case = sum(1 for m in messages if m["people"])
    print(f"wrote {out} ({len(messages)} messages: {kinds['pii']} pii, {kinds['clean']} clean; {with_case} with a case)")
    print("labels per type:")
    for t in TYPES:
        print(f"  {t:<14} {counts[t]:>5}")
    origins = Counter(l["origin"] for m in messages for l in m["labels"] if l["type"] == "PERSON" and "origin" in l)
    if origins:
        print("PERSON labels per origin: " + ", ".join(f"{o} {origins[o]}" for o in ORIGINS))
    print(f"sha256 {hashlib.sha256(data).hexdigest()}")
    for m in messages[: args.samples]:
        print(f"\n{m['id']} [{m['kind']}] {m['text']!r}")
        for lab in m["labels"]:
            print(f"    {lab['type']:<14} {m['text'][lab['start']:lab['end']]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
