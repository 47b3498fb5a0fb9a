"""Reports in other scripts and encodings, and pages built to break a parser.

Invented texts: a council closes a bridge, told in Chinese, Arabic and Russian.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from digest.clean import clean
from digest.ingest import documents_from_bytes
from digest.types import RawDocument

FETCHED = datetime(2024, 11, 6, tzinfo=UTC)

REPORTS = {
    "zh": [
        "哈洛克里克市议会周二投票决定，从十二月起禁止卡车通过奥斯特兰德大桥。工程师此前在两根钢梁中发现了严重腐蚀。",
        "议会领导人玛丽亚·奥卡福表示，这一决定来之不易，但每天约一万二千名司机的安全必须放在首位。",
        "货运公司警告说，绕道邓莫尔将使每次行程至少增加四十分钟，并要求在明年春天重新审议这一禁令。",
    ],
    "ar": [
        "صوّت مجلس مدينة هارلو كريك يوم الثلاثاء على إغلاق جسر أوستراندر أمام الشاحنات اعتبارًا من ديسمبر، "
        "بعد أن عثر المهندسون على تآكل في اثنتين من عوارضه الفولاذية.",
        "وقالت رئيسة المجلس ماريا أوكافور إن القرار لم يكن سهلًا، لكن سلامة نحو اثني عشر ألف سائق يعبرون "
        "الجسر كل يوم تأتي أولًا.",
        "وحذّرت شركات النقل من أن الطريق البديل عبر دنمور سيضيف أربعين دقيقة على الأقل إلى كل رحلة، "
        "وطالبت بمراجعة القرار في الربيع.",
    ],
    "ru": [
        "Городской совет Харлоу-Крик во вторник проголосовал за закрытие моста Острандер для грузовиков с "
        "декабря после того, как инженеры обнаружили коррозию в двух стальных балках.",
        "Глава совета Мария Окафор заявила, что решение далось нелегко, но безопасность примерно двенадцати "
        "тысяч водителей, которые ежедневно пересекают мост, важнее.",
        "Перевозчики предупредили, что объезд через Данмор добавит к каждой поездке не менее сорока минут, "
        "и попросили пересмотреть решение весной.",
    ],
}
TITLES = {
    "zh": "奥斯特兰德大桥将禁止卡车通行",
    "ar": "إغلاق جسر أوستراندر أمام الشاحنات",
    "ru": "Мост Острандер закроют для грузовиков",
}


def read(data: bytes, name: str):
    (doc,) = documents_from_bytes(name, data, fetched_at=FETCHED, name=name)
    assert isinstance(doc, RawDocument), doc
    return clean(doc)


def page(lang: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in REPORTS[lang])
    menu = "".join(f'<li><a href="/{n}">{w}</a></li>' for n, w in enumerate(["Home", "World", "Business", "Sport"]))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{TITLES[lang]}</title></head>'
        f"<body><nav><ul>{menu}</ul></nav><article><h1>{TITLES[lang]}</h1>{paragraphs}</article>"
        "<footer>&copy; 2024 Herald</footer></body></html>"
    )


@pytest.mark.parametrize("lang", sorted(REPORTS))
def test_plain_text_reports_in_other_scripts_are_kept(lang):
    text = TITLES[lang] + "\n\n" + "\n\n".join(REPORTS[lang])
    article = read(text.encode("utf-8"), "story.txt")
    assert list(article.paragraphs)[-3:] == REPORTS[lang]
    assert article.language == lang


@pytest.mark.parametrize("lang", sorted(REPORTS))
def test_html_reports_in_other_scripts_are_kept(lang):
    article = read(page(lang).encode("utf-8"), "story.html")
    assert list(article.paragraphs) == REPORTS[lang]
    assert article.title == TITLES[lang]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_utf16_and_utf32_without_byte_order_mark(encoding, lang):
    text = TITLES[lang] + "\n\n" + "\n\n".join(REPORTS[lang])
    article = read(text.encode(encoding), "story.txt")
    assert list(article.paragraphs)[-3:] == REPORTS[lang]


def test_utf16_html_without_byte_order_mark():
    article = read(page("ru").encode("utf-16-le"), "story.html")
    assert list(article.paragraphs) == REPORTS["ru"]


def test_article_inside_100k_nested_divs_is_kept():
    paragraphs = "".join(f"<p>{p}</p>" for p in REPORTS["ru"])
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Мост</title></head><body>'
        + "<div>" * 100_000
        + f"<article>{paragraphs}</article>"
        + "</div>" * 100_000
        + "</body></html>"
    )
    started = time.perf_counter()
    article = read(html.encode("utf-8"), "deep.html")
    assert list(article.paragraphs) == REPORTS["ru"]
    assert time.perf_counter() - started < 20
