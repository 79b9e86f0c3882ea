"""SECURITY.md cannot rot: neither its OWASP ASVS 5.0 table nor the sections before it.

The table: every test it cites exists (the file, and the function when a name is given), every documentation
heading it cites exists, every row carries a proof (a test, a heading, "Library:", "N/A:" or "Gap:"), and
every level 1 and level 2 requirement of ASVS 5.0.0 has exactly one row.

The sections before it (roles, sign-in, administration, uploads, consent and sharing, e-mails, audit,
erasure, data-subject requests): every paragraph, bullet and table row that says what the portal does cites
a test in the same `path::name` style, every cited test and every cited source path exists, and the roles
table says for every role what it sees and what it never sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## OWASP ASVS 5.0 level 2"
LEVEL_3_HEADING = "### Level 3 requirements the portal also meets"

# ASVS 5.0.0 (OWASP/ASVS, 5.0/docs_en/OWASP_Application_Security_Verification_Standard_5.0.0_en.csv): for each
# section, the level of its requirements in order, so "V1.2": "1111122223" says V1.2.1 is level 1 and V1.2.10
# level 3. Level 2 means every requirement of level 1 or 2.
ASVS_5_0_0_LEVELS = {
    "V1.1": "22",
    "V1.2": "1111122223",
    "V1.3": "112222222223",
    "V1.4": "222",
    "V1.5": "123",
    "V2.1": "122",
    "V2.2": "112",
    "V2.3": "12223",
    "V2.4": "23",
    "V3.1": "3",
    "V3.2": "113",
    "V3.3": "12223",
    "V3.4": "11222233",
    "V3.5": "11122333",
    "V3.6": "3",
    "V3.7": "22333",
    "V4.1": "12233",
    "V4.2": "23333",
    "V4.3": "22",
    "V4.4": "1222",
    "V5.1": "2",
    "V5.2": "112333",
    "V5.3": "113",
    "V5.4": "222",
    "V6.1": "122",
    "V6.2": "111111112222",
    "V6.3": "11223333",
    "V6.4": "112233",
    "V6.5": "22222333",
    "V6.6": "2223",
    "V6.7": "33",
    "V6.8": "2222",
    "V7.1": "222",
    "V7.2": "1111",
    "V7.3": "22",
    "V7.4": "11222",
    "V7.5": "223",
    "V7.6": "22",
    "V8.1": "1233",
    "V8.2": "1123",
    "V8.3": "133",
    "V8.4": "23",
    "V9.1": "111",
    "V9.2": "1222",
    "V10.1": "22",
    "V10.2": "223",
    "V10.3": "22223",
    "V10.4": "1111122222233333",
    "V10.5": "22222",
    "V10.6": "22",
    "V10.7": "222",
    "V11.1": "2233",
    "V11.2": "22233",
    "V11.3": "11233",
    "V11.4": "1222",
    "V11.5": "23",
    "V11.6": "23",
    "V11.7": "33",
    "V12.1": "12233",
    "V12.2": "11",
    "V12.3": "22223",
    "V13.1": "2333",
    "V13.2": "222223",
    "V13.3": "2233",
    "V13.4": "1222233",
    "V14.1": "22",
    "V14.2": "12223333",
    "V14.3": "122",
    "V15.1": "12233",
    "V15.2": "12233",
    "V15.3": "1222222",
    "V15.4": "3333",
    "V16.1": "2",
    "V16.2": "22222",
    "V16.3": "2222",
    "V16.4": "222",
    "V16.5": "2223",
    "V17.1": "23",
    "V17.2": "22223333",
    "V17.3": "22",
}

ID = r"V\d+\.\d+\.\d+"
IDS_AT_START = re.compile(rf"^(?:{ID}(?:–{ID})?(?:, )?)+")
ID_OR_RANGE = re.compile(rf"({ID})(?:–({ID}))?")
TEST_CITATION = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")
HEADING_CITATION = re.compile(r"\b([A-Z]+\.md) § \"([^\"]+)\"")
PROOF_WORDS = ("Library:", "N/A:", "Gap:")


@dataclass(frozen=True)
class Row:
    line: int
    ids: tuple[str, ...]
    named: tuple[str, ...]  # written out, not inside a range: a chapter-wide range may cross level 3 ones
    how: str
    proof: str
    level_3_table: bool


@cache
def standard() -> dict[str, int]:
    """Every requirement id of ASVS 5.0.0, in the standard's order, with its level."""
    return {
        f"{section}.{number}": int(level)
        for section, levels in ASVS_5_0_0_LEVELS.items()
        for number, level in enumerate(levels, start=1)
    }


def expand(first: str, last: str | None) -> list[str]:
    order = list(standard())
    assert first in standard(), f"{first} is not an ASVS 5.0.0 requirement"
    if last is None:
        return [first]
    assert last in standard(), f"{last} is not an ASVS 5.0.0 requirement"
    start, end = order.index(first), order.index(last)
    assert start < end, f"{first}–{last} runs backwards"
    return order[start : end + 1]


@cache
def section() -> tuple[int, list[str]]:
    """The first line number and the lines of the ASVS section of SECURITY.md (up to the next `## `)."""
    lines = (ROOT / "SECURITY.md").read_text(encoding="utf-8").splitlines()
    assert SECTION in lines, f"SECURITY.md has no {SECTION!r} section"
    start = lines.index(SECTION)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return start + 1, lines[start:end]


@cache
def rows() -> tuple[Row, ...]:
    first, lines = section()
    found = []
    in_level_3 = False
    for offset, text in enumerate(lines):
        if text.startswith("### "):
            in_level_3 = text == LEVEL_3_HEADING
        if not text.startswith("| V"):
            continue
        cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
        assert len(cells) == 3, f"SECURITY.md line {first + offset}: a row has three cells, not {len(cells)}"
        head = IDS_AT_START.match(cells[0])
        assert head, f"SECURITY.md line {first + offset}: the row does not start with requirement ids"
        pairs = ID_OR_RANGE.findall(head.group(0))
        ids = tuple(i for a, b in pairs for i in expand(a, b or None))
        named = tuple(i for pair in pairs for i in pair if i)
        found.append(Row(first + offset, ids, named, cells[1], cells[2], in_level_3))
    return tuple(found)


def defined_tests(path: Path) -> set[str]:
    return set(re.findall(r"^\s*(?:async\s+)?def (test_\w+)\s*\(", path.read_text(encoding="utf-8"), re.MULTILINE))


def test_the_embedded_standard_is_asvs_5_0_0() -> None:
    levels = list(standard().values())
    assert (len(levels), levels.count(1), levels.count(2), levels.count(3)) == (345, 70, 183, 92)
    order = list(standard())
    assert (order[0], order[-1]) == ("V1.1.1", "V17.3.2")


def test_every_cited_test_exists() -> None:
    missing = []
    for row in rows():
        for path, name in TEST_CITATION.findall(row.proof):
            file = ROOT / path
            if not file.is_file():
                missing.append(f"line {row.line}: {path} does not exist")
            elif name and name not in defined_tests(file):
                missing.append(f"line {row.line}: {path} has no test {name}")
    assert missing == []


def test_every_cited_heading_exists() -> None:
    missing = []
    for row in rows():
        for document, heading in HEADING_CITATION.findall(row.proof):
            file = ROOT / document
            headings = [line for line in file.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
            if not any(heading in line for line in headings):
                missing.append(f"line {row.line}: {document} has no heading {heading!r}")
    assert missing == []


def test_every_row_has_a_proof() -> None:
    unproven = [
        row.line
        for row in rows()
        if not TEST_CITATION.search(row.proof)
        and not HEADING_CITATION.search(row.proof)
        and not any(word in row.proof for word in PROOF_WORDS)
    ]
    assert unproven == []


def test_a_gap_or_exemption_says_why() -> None:
    terse = [
        row.line
        for row in rows()
        for word in PROOF_WORDS
        if word in row.proof and len(row.proof.split(word, 1)[1].strip(" ;.`")) < 10
    ]
    assert terse == []


def test_every_level_1_and_2_requirement_has_exactly_one_row() -> None:
    cited = [i for row in rows() for i in row.ids]
    twice = sorted({i for i in cited if cited.count(i) > 1})
    missing = [i for i, level in standard().items() if level <= 2 and i not in cited]
    assert twice == []
    assert missing == []


def test_level_3_rows_stay_in_their_own_table() -> None:
    misplaced = [(row.line, i) for row in rows() for i in row.named if (standard()[i] == 3) != row.level_3_table]
    assert misplaced == []


# --- The sections before the table ----------------------------------------------------------------------------

FIRST_CLAIM_SECTION = "## Roles"
ROLES_HEADER = "| role | sees | never sees | proof |"
# Project source cited in backticks (a file, or a folder ending in "/"); library paths and migration names are not.
CODE_CITATION = re.compile(
    r"`((?:portal|counselling|referrals|jobfairs|cms|reports|devtools|tests)/[\w./-]*(?:\.py|/))`"
)


@dataclass(frozen=True)
class Block:
    line: int
    heading: str
    text: str
    table_row: bool


@cache
def prose() -> tuple[tuple[int, str], ...]:
    """The numbered lines of SECURITY.md before the ASVS section."""
    lines = (ROOT / "SECURITY.md").read_text(encoding="utf-8").splitlines()
    assert SECTION in lines, f"SECURITY.md has no {SECTION!r} section"
    return tuple(enumerate(lines[: lines.index(SECTION)], start=1))


@cache
def claim_blocks() -> tuple[Block, ...]:
    """Each paragraph, bullet and table row (not a table's header) from the roles section to the ASVS section."""
    found: list[Block] = []
    heading, start, text, started = "", 0, [], False

    def close() -> None:
        nonlocal text
        if text and started:
            found.append(Block(start, heading, " ".join(text), table_row=False))
        text = []

    lines = prose()
    for index, (number, line) in enumerate(lines):
        if line.startswith("#"):
            close()
            heading = line
            started = started or line == FIRST_CLAIM_SECTION
        elif not line.strip():
            close()
        elif line.startswith("|"):
            close()
            following = lines[index + 1][1] if index + 1 < len(lines) else ""
            if started and not line.startswith("| ---") and not following.startswith("| ---"):
                found.append(Block(number, heading, line, table_row=True))
        elif line.startswith("- ") or not text:
            close()
            start, text = number, [line.strip()]
        else:
            text.append(line.strip())
    close()
    return tuple(found)


def test_every_test_and_source_file_cited_before_the_table_exists() -> None:
    text = "\n".join(line for _number, line in prose())
    missing = []
    for path, name in TEST_CITATION.findall(text):
        file = ROOT / path
        if not file.is_file():
            missing.append(f"{path} does not exist")
        elif name and name not in defined_tests(file):
            missing.append(f"{path} has no test {name}")
    for path in CODE_CITATION.findall(text):
        if not (ROOT / path).exists():
            missing.append(f"{path} does not exist")
    assert missing == []


def test_every_claim_before_the_table_cites_a_test() -> None:
    """A paragraph, bullet or table row that only leads into a list or a table (it ends with ":") is exempt."""
    blocks = claim_blocks()
    assert len(blocks) > 40, "the sections before the ASVS table were not found"
    uncited = [
        f"line {block.line} ({block.heading}): {block.text[:80]}"
        for block in blocks
        if not TEST_CITATION.search(block.text) and not block.text.rstrip().endswith(":")
    ]
    assert uncited == []


def test_the_roles_table_says_what_every_role_sees_and_never_sees() -> None:
    from portal.access import Role

    lines = [line for _number, line in prose()]
    assert ROLES_HEADER in lines, f"SECURITY.md's roles table has no header {ROLES_HEADER!r}"
    rows = []
    for line in lines[lines.index(ROLES_HEADER) + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert all(len(row) == 4 and all(row) for row in rows), "every role needs what it sees, never sees and a proof"
    assert all(TEST_CITATION.search(proof) for *_cells, proof in rows)
    names = [row[0].lower() for row in rows]
    expected = [str(label).lower() for label in Role.labels] + ["returnee"]
    unnamed = [role for role in expected if not any(name.startswith(role) for name in names)]
    assert unnamed == []
    assert len(rows) == len(expected)
