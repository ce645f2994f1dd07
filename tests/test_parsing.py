import json
import re
from pathlib import Path

import pytest

from faq.parsing import ParseError, fingerprint, parse_document, segment_answer

SEED_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "nc-benefits-data-sharing-ice-faq.txt"
TITLE = "State Benefits Data Sharing With ICE in North Carolina"
SEED_QUESTIONS = [
    "What state benefits data is shared with ICE in North Carolina?",
    "How does the state determine which state benefits data is shared with ICE?",
    "Are all types of state benefits data shared with ICE in North Carolina?",
    "How often is state benefits data shared with ICE in North Carolina?",
    "What are the privacy concerns associated with sharing state benefits data with ICE?",
    "Are there any legal restrictions on sharing state benefits data with ICE in North Carolina?",
    "How is the data sharing process between state agencies and ICE managed?",
    "Are there any safeguards in place to protect the confidentiality of state benefits data shared with ICE?",
    "How does sharing state benefits data with ICE impact individuals who receive those benefits?",
    "Are there any consequences for state agencies that do not comply with sharing state benefits data with ICE?",
    "What is the purpose of sharing state benefits data with ICE in North Carolina?",
    "Are there any situations where state benefits data cannot be shared with ICE?",
    "How is the shared state benefits data used by ICE in North Carolina?",
    "Are there any benefits to sharing state benefits data with ICE in North Carolina?",
    "How does sharing state benefits data with ICE affect vulnerable populations in North Carolina?",
    "Is there any oversight or accountability for the state benefits data sharing with ICE in North Carolina?",
    "How do individuals affected by the data sharing process in North Carolina advocate for change or protection?",
    "Are there any advocacy groups or organizations working to address the issues related to state benefits data sharing with ICE in North Carolina?",
    "How does the public feel about the state benefits data sharing with ICE in North Carolina?",
    "Are there any proposed changes or reforms to the state benefits data sharing process with ICE in North Carolina?",
]


@pytest.fixture(scope="module")
def seed_text():
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text):
    return parse_document(seed_text)


def quotes(question):
    return [claim.quote for claim in question.claims]


def to_markdown(text, questions):
    """The seed as a Markdown page: headings, bold words and bulleted lists."""
    question_lines = {f"{q.number}. {q.question}" for q in questions}
    out = []
    for line in text.split("\n"):
        if line == TITLE:
            out.append(f"# {line}")
        elif line in question_lines:
            out.append("## " + line.replace("ICE", "**ICE**", 1))
        elif m := re.match(r"\d+\. (.*)", line):
            out.append(f"- {m.group(1)}")
        else:
            out.append(line.replace("ICE", "__ICE__", 1).replace("North Carolina", "**North Carolina**"))
    return "\n".join(out)


def test_it_reads_the_seed_title_and_category(seed):
    assert seed.title == TITLE
    assert seed.category == "Federal Government"


def test_it_finds_the_twenty_seed_questions_with_their_exact_text(seed):
    assert [q.number for q in seed.questions] == list(range(1, 21))
    assert [q.question for q in seed.questions] == SEED_QUESTIONS


def test_it_cuts_answer_2s_list_items_into_sentences_and_drops_the_bare_lead_in(seed):
    answer = seed.questions[1]
    assert "\n\n1. Legislative mandates:" in answer.answer
    assert "\n\n3. Agency policies and procedures:" in answer.answer
    assert answer.answer.startswith("States determine which state benefits data")
    assert "Some common ways in which states determine which data is shared with ICE include:" in answer.answer
    assert not any(quote.startswith("Some common ways") for quote in quotes(answer))
    assert quotes(answer)[1:3] == [
        "Legislative mandates: Some states have laws that require certain state agencies to share data "
        "with immigration enforcement authorities, including ICE.",
        "These laws may outline specific types of data that must be shared and under what circumstances.",
    ]
    assert quotes(answer)[3].startswith("Memoranda of Understanding (MOUs):")
    assert quotes(answer)[5].startswith("Agency policies and procedures:")
    assert quotes(answer)[7].startswith("Ultimately, the process of determining")
    assert len(answer.claims) == 8


def test_a_list_item_of_two_sentences_gives_two_claims_the_label_staying_with_the_first(seed):
    assert quotes(seed.questions[7])[4:6] == [
        "Data Encryption: State benefits data shared with ICE is often encrypted to protect it from unauthorized access.",
        "Encryption helps secure the data as it is transmitted between agencies and while it is stored in databases.",
    ]


def test_a_lead_in_that_asserts_something_stays_a_claim(seed):
    assert quotes(seed.questions[4])[0].startswith("Sharing state benefits data with ICE raises significant privacy concerns")


def test_the_seed_has_132_claims_after_16_items_split_and_6_lead_ins_dropped(seed):
    assert sum(len(q.claims) for q in seed.questions) == 132


def test_it_keeps_answer_7s_items_written_without_blank_lines(seed):
    answer = seed.questions[6]
    assert "relevant laws and regulations.\n2. There may also be regular audits" in answer.answer
    first, second, third = quotes(answer)[2:5]
    assert first.startswith("The management of data sharing")
    assert first.endswith("ensuring compliance with relevant laws and regulations.")
    assert second.startswith("There may also be regular audits")
    assert third.startswith("Additionally, data sharing agreements")
    assert quotes(answer)[-1].startswith("Overall, effective management")


def test_it_keeps_answer_10s_items_as_claims(seed):
    items = quotes(seed.questions[9])[1:5]
    assert [item.split(":")[0] for item in items] == [
        "Loss of federal funding",
        "Legal action",
        "Damage to relationships",
        "Impact on public safety",
    ]
    assert quotes(seed.questions[9])[-1].startswith("It is essential for state agencies")


def test_it_keeps_the_last_answer_complete(seed):
    answer = seed.questions[19].answer
    assert answer.startswith("As of the latest available information, there are no specific proposed changes")
    assert answer.endswith(
        "stay informed about any forthcoming changes in the state benefits data sharing practices with ICE in North Carolina."
    )


def test_every_claim_is_the_answer_text_at_its_offsets_in_order(seed):
    for question in seed.questions:
        previous_end = 0
        for claim in question.claims:
            assert question.answer[claim.start : claim.end] == claim.quote
            assert claim.quote and claim.quote == claim.quote.strip()
            assert claim.start >= previous_end
            previous_end = claim.end


def test_it_drops_no_answer_text_except_list_markers_and_bare_lead_ins(seed, seed_text):
    markdown = parse_document(to_markdown(seed_text, seed.questions))
    for question in seed.questions + markdown.questions:
        rest = question.answer
        for claim in question.claims:
            rest = rest[: claim.start] + " " * (claim.end - claim.start) + rest[claim.end :]
        rest = re.sub(r"(?:^|(?<=\s))(?:\d+[.)]|[-*])(?=\s|$)", " ", rest)
        leftovers = " ".join(rest.split())
        assert not leftovers or re.fullmatch(r"Some [^.:]* include:", leftovers), leftovers


def test_it_makes_answer_9s_inline_items_separate_claims_without_markers(seed):
    assert quotes(seed.questions[8]) == [
        "Sharing state benefits data with ICE can have significant negative impacts on individuals who receive those benefits.",
        "It can lead to fear and mistrust within vulnerable communities, discouraging individuals from accessing "
        "the assistance they are entitled to out of fear of potential immigration consequences.",
        "This can result in exacerbated poverty and food insecurity among immigrant populations who may already be facing challenges.",
        "Additionally, sharing this data can also lead to increased deportations and family separations, "
        "further destabilizing individuals and communities.",
        "Overall, the practice of sharing state benefits data with ICE can have a chilling effect on access to "
        "essential services and exacerbate the vulnerabilities of already marginalized populations.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Under N.C. Gen. Stat. § 108A-80(a), benefit records are confidential.",
        "Texas relies on Tex. Gov't Code § 552.101 for the same rule.",
        "Texas relies on Tex. Gov’t Code Ann. § 552.101 for the same rule.",
        "Federal law, e.g. 8 U.S.C. § 1373, limits what states may forbid.",
        "Some programs (i.e. SNAP) verify status through SAVE.",
        "See 7 C.F.R. § 272.1(c) for the disclosure rules.",
        "In Plyler v. Doe, 457 U.S. 202 (1982), the Court ruled on schooling.",
        "Under Pub. L. No. 104-193, 110 Stat. 2105, eligibility changed.",
        "The U.S. Department of Agriculture runs SNAP.",
        "Acme Inc. sold the data to ICE.",
        "Dr. Smith testified before the committee.",
        "See Smith v. Jones, No. 12-345 (4th Cir. 2020).",
    ],
)
def test_it_does_not_split_inside_abbreviations_and_citations(sentence):
    claims = segment_answer(f"{sentence} A second sentence follows.")
    assert [claim.quote for claim in claims] == [sentence, "A second sentence follows."]


def test_it_still_splits_after_an_abbreviation_that_ends_a_sentence():
    claims = segment_answer("Many applicants were born in the U.S. They still hesitate to apply.")
    assert [claim.quote for claim in claims] == [
        "Many applicants were born in the U.S.",
        "They still hesitate to apply.",
    ]


def test_it_reads_crlf_and_bom_text_the_same_as_plain_newlines(seed, seed_text):
    crlf = "\ufeff" + seed_text.replace("\n", "\r\n")
    assert parse_document(crlf).to_dict() == seed.to_dict()
    assert parse_document(seed_text.replace("\n", "\r")).to_dict() == seed.to_dict()


def test_it_reads_no_break_and_trailing_spaces_as_plain_spaces(seed, seed_text):
    messy = seed_text.replace("state benefits", "state\u00a0benefits").replace("with ICE", "with\u202fICE")
    messy = messy.replace("?\n", "?  \n").replace(".\n", ".\t\n")
    assert parse_document(messy).to_dict() == seed.to_dict()


def test_it_keeps_curly_apostrophes_as_written(seed):
    answer = seed.questions[0]
    assert "the state’s cooperation with federal immigration authorities" in answer.answer
    assert any("state’s" in quote for quote in quotes(answer))


def test_it_reads_a_markdown_rewrite_of_the_seed_as_the_same_questions_and_claims(seed, seed_text):
    markdown = parse_document(to_markdown(seed_text, seed.questions))
    assert markdown.title == TITLE
    assert markdown.category == "Federal Government"
    assert [(q.number, q.question) for q in markdown.questions] == [(q.number, q.question) for q in seed.questions]
    assert markdown.questions[0].answer == seed.questions[0].answer
    assert [quotes(q) for q in markdown.questions] == [quotes(q) for q in seed.questions]


def test_it_keeps_markdown_bullets_in_the_answer_and_makes_each_a_claim():
    doc = parse_document(
        "# Benefits FAQ\n\n## 1. Who shares **data**?\n\nTwo agencies do:\n\n"
        "- DHHS, which runs __Medicaid__. It also runs SNAP.\n* DPS\n"
    )
    answer = doc.questions[0]
    assert answer.question == "Who shares data?"
    assert answer.answer == "Two agencies do:\n\n- DHHS, which runs Medicaid. It also runs SNAP.\n* DPS"
    assert quotes(answer) == ["Two agencies do:", "DHHS, which runs Medicaid.", "It also runs SNAP.", "DPS"]


def test_it_leaves_a_numbered_question_that_breaks_the_sequence_in_the_answer():
    doc = parse_document(
        "Benefits FAQ\n\n1. Who shares data?\n\nDHHS does.\n\n5. Why does this matter?\n\n"
        "It affects families.\n\n2. Is it legal?\n\nCourts disagree.\n"
    )
    assert [q.question for q in doc.questions] == ["Who shares data?", "Is it legal?"]
    assert "5. Why does this matter?\n\nIt affects families." in doc.questions[0].answer
    assert "Why does this matter?" in quotes(doc.questions[0])


def test_it_does_not_take_an_answer_list_item_ending_in_a_question_mark_for_the_next_question():
    doc = parse_document(
        "Benefits FAQ\n\n1. What should applicants ask?\n\nTwo things:\n1. Who sees my data?\n2. What is it used for?\n\n"
        "2. Is sharing legal?\n\nCourts disagree.\n"
    )
    assert [q.question for q in doc.questions] == ["What should applicants ask?", "Is sharing legal?"]
    assert doc.questions[0].answer.endswith("2. What is it used for?")


def test_it_refuses_text_without_numbered_questions():
    with pytest.raises(ParseError, match=r"no questions found \(expected numbered lines like '1\. Question\?'"):
        parse_document("Benefits FAQ\n\nThis page has no questions at all.\n")
    with pytest.raises(ParseError, match="empty"):
        parse_document(" \r\n\n")


def test_it_names_the_line_of_a_question_without_an_answer():
    text = "Benefits FAQ\n\n1. Who shares data?\n\nDHHS does.\n\n2. Is it legal?\n\n3. Who decides?\n\nCourts.\n"
    with pytest.raises(ParseError, match=r"^line 7: question 2 has no answer$"):
        parse_document(text)
    with pytest.raises(ParseError, match=r"^line 3: question 1 has no answer$"):
        parse_document("Benefits FAQ\n\n1. Who shares data?\n\n")


def test_to_dict_has_exactly_the_documented_shape_and_is_json(seed):
    data = seed.to_dict()
    assert set(data) == {"title", "category", "warnings", "questions"}
    question = data["questions"][8]
    assert set(question) == {"number", "question", "answer", "claims", "links"}
    assert question["number"] == 9
    assert question["claims"][1] == {
        "quote": seed.questions[8].claims[1].quote,
        "start": seed.questions[8].claims[1].start,
        "end": seed.questions[8].claims[1].end,
        "triage_rule": "hedging",
    }
    assert json.loads(json.dumps(data)) == data


def test_fingerprint_matches_a_claim_retyped_with_straight_quotes_and_other_spacing():
    curly = "The state’s “confidentiality” rules apply."
    assert fingerprint(curly) == fingerprint('the  state\'s\n"Confidentiality" rules apply')
    assert fingerprint(curly) != fingerprint("The state’s confidentiality rules do not apply.")
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(curly))


def test_it_parses_a_two_megabyte_page(seed):
    # How fast is measured by bench/bench_import.py and bench/bench_pathological.py, not here.
    pairs = [(q.question, q.answer) for q in seed.questions] * 80
    text = TITLE + "\n\n" + "\n\n".join(f"{n}. {q}\n\n{a}" for n, (q, a) in enumerate(pairs, 1))
    doc = parse_document(text)
    assert len(text.encode()) > 1_900_000
    assert len(doc.questions) == 1600
    assert doc.questions[-1].claims == seed.questions[-1].claims


def test_an_empty_list_item_is_still_a_list_item_so_its_lead_in_is_no_claim():
    # "1." left alone on its line (its text moved elsewhere) still numbers the list.
    answer = "Yes, several groups work on this. Some of these include:\n\n1.\n\n2. Group B: It sues agencies.\n"
    quotes = [c.quote for c in segment_answer(answer)]
    assert quotes == ["Yes, several groups work on this.", "Group B: It sues agencies."]
    # A number with its text on the next line is not an empty item: its text stays one claim with it.
    assert [c.quote for c in segment_answer("Intro sentence.\n1.\nGroup A sues.\n")][-1].endswith("Group A sues.")
