"""Words the cleaner counts on, kept apart from the logic that uses them.

Function words: running prose is full of them in every language, menus and
teaser titles are not. The share of them among a block's words is one of the
strongest signs of report text (Kohlschütter et al., "Boilerplate detection
using shallow text features", 2010). The lists are short and cover the
languages of news we read: English, German, French, Italian, Spanish,
Portuguese, Dutch, Polish, Russian and Arabic.
"""

from __future__ import annotations

import re

STOPWORDS: frozenset[str] = frozenset(
    """
    the a an and or but of to in on at for with by from as is are was were be been being has have had do does did
    that this these those it its he she they we you i his her their our not no will would can could should may might
    than then there here which who whom what when where why how also after before about over into out up more most
    said says if so such only just all any some other new one two
    der die das den dem des ein eine einer eines einem einen und oder aber nicht kein keine ist sind war waren wird
    werden wurde wurden hat haben hatte hatten sein seine ihre ihr ihm ihn sie er es wir ich du man mit von zu zum zur
    im in am an auf aus bei nach vor für über unter durch gegen ohne um als wie auch noch schon nur sehr so dass daß
    wenn weil denn doch sich dies diese dieser dieses jetzt dann hier da wo was wer bis seit mehr sowie laut
    le la les un une des du et ou est sont été il elle ils nous vous que qui dans pour par sur avec pas plus
    il lo gli i una di da e è sono per con non che del della nel nella al alla
    el los las y o es son en por para con no que del al se lo
    o os as um uma do da dos das em no na nos nas com não que é foi pelo pela
    de het een en van in is op te dat die met voor zijn niet aan er ook als bij
    i w z na do się nie że jest to jak o za od po przez
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от
    меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам
    ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего
    раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы
    нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас
    про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им
    более всегда конечно всю между также это
    في من على إلى عن مع هذا هذه التي الذي أن إن كان كانت قد لا ما لم لن هو هي هم وقد وفي ومن كما بين بعد قبل حتى
    عند أو ثم أي كل ذلك تلك وهو وهي إلى، عام وقال قال أيضا
    """.split()
)

# Scripts written without spaces between words: a "word" there is a character or two.
_NO_SPACE_SCRIPTS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f\uf900-\ufaff]")


def unspaced_chars(text: str) -> int:
    """Characters of scripts written without spaces (Chinese, Japanese, Thai)."""
    if text.isascii():  # (a flag of the string: most blocks need no scan at all)
        return 0
    return len(_NO_SPACE_SCRIPTS.findall(text))
