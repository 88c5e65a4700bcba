"""rules.find_district through its name index (issue 13): the same answers as comparing every name."""

from __future__ import annotations

from gsync.attribution import find_district

CHOICES = {
    "เมืองลำปาง": ["เมือง"],
    "แม่ทะ": [],
    "แม่เมาะ": [],
    "งาว": [],
    "เกาะคา": ["อ.เกาะคา"],
    "X": [],  # a one-character name is found too
}


def test_the_longest_name_inside_the_text_wins() -> None:
    assert find_district("รายงาน แม่ทะ ไตรมาส1.xlsx", CHOICES) == "แม่ทะ"
    assert find_district("เมืองลำปาง Q2.docx", CHOICES) == "เมืองลำปาง"  # not the alias เมือง
    assert find_district("อำเภอเมือง ไตรมาส 3", CHOICES) == "เมืองลำปาง"  # the alias
    assert find_district("ศูนย์ อ.เกาะคา", CHOICES) == "เกาะคา"
    assert find_district("X", CHOICES) == "X"


def test_two_names_of_the_same_length_are_ambiguous() -> None:
    assert find_district("แม่ทะ และ แม่ทะ", CHOICES) == "แม่ทะ"
    assert find_district("งาว แม่ทะ", CHOICES) == "แม่ทะ"  # longer wins
    assert find_district("เกาะคา แม่ทะ", {"เกาะคา": [], "แม่ทะ": []}) == "เกาะคา"  # 6 characters against 5
    assert find_district("บ้านAB บ้านCD", {"บ้านAB": [], "บ้านCD": []}) is None  # a tie: nobody


def test_nothing_found() -> None:
    assert find_district("report final", CHOICES) is None
    assert find_district("", CHOICES) is None
