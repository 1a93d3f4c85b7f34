"""Stop words per language: function words that say nothing about which rumour is meant.

Kept to articles, pronouns, prepositions, conjunctions, auxiliaries, question words,
negation, vague quantifiers ("more", "thousands"), generic verbs ("get", "see", "find")
and the words that frame a rumour rather than say it ("is it true", "they say"),
in the forms people type (with and without accents, elided and dialect forms). The
analysis folds them as it folds query words; the offline search of the static export
gets these lists from here too.
"""

from __future__ import annotations

_FILLERS = "lol lool mdr ptdr jaja jajaja jeje xd pls plz omg wtf bro tbh idk"

_STOPWORDS = {
    "en": """a about above after again against also am an and any are aren as at be because
        been before being both but by can cannot cant could couldn d did didn do does doesn
        doing don dont during each even ever every everyone everything few for from further
        had hadn has hasn have haven having he her here hers herself him himself his how i
        if im in into is isn it its itself just ll m me might more most much must mustn my
        myself no nor not now of on once only or other our ours ourselves own re really s
        same shall she should shouldn so some still such t than that thats the their theirs
        them themselves then there these they theyre this those through to true u under
        until ur us ve very was wasn we were weren what whats when where which while who
        whom whose why will with won wont would wouldn y ya yeah yes yet you your yours
        yourself cuz cos coz bc tho isnt arent go goes going gone went get gets got getting
        gotten make makes made say says said like let lets nothing anything something never
        give gives giving gave given lot lots hear heard told tell apparently mate see seen
        saw find found penny thousands hundreds day days always britain uk england spain
        catalonia barcelona france europeans usa america anywhere else""",
    "es": """a al algo algun alguna algunas alguno algunos ante antes aqui asi aun con
        contra cual cuales cuando cuanto de del desde donde dos e el ella ellas ello ellos
        en entre era eran es esa esas ese eso esos esta estaba estan estar estas este esto
        estos estoy fue fueron ha haber habia han has hasta hay he hemos la las le les lo
        los mas me mi mis mucho muchos muy nada ni no nos nosotros nuestra nuestras nuestro
        nuestros o os otra otras otro otros para pero poco por porque pues que quien quienes
        se sea ser si sido sin sobre solo son su sus tambien tan tanto te tenemos ti tu tus
        u un una unas uno unos usted ustedes vosotros y ya yo q k xq pq porq tb tmb oye da
        dan dar hace hacen hacer va van ir dice dicen tiene tienen tener nunca jamas cierto
        verdad oido escuchado ver veo visto encuentro encontrar encuentra miles cientos dia
        dias siempre cada culpa puede pueden poder podemos españa espana cataluña cataluna
        barcelona francia eeuu""",
    "ca": """a al als amb aquell aquella aquelles aquells aqui aquest aquesta aquestes
        aquests aixo allo com d de del dels des el ella elles ells els em en ens entre era
        eren es esta estan et fins ha han has he hem hi ho i jo l la les li lo m ma mai mes
        meu meus molt molta moltes molts n na ni no nos nosaltres nostra nostre nostres o on
        pel pels per pero perque poc que qui s sa se sense seu seus seva seves si sobre son
        t tambe tan tant te tinc tu u un una unes uns us va van vaig vam vosaltres ja fa fan
        fer dona donen tenen diuen cert veritat sentit veure veig vist trobo trobar troba
        milers centenars dia dies sempre cada culpa pot poden podem poder espanya catalunya
        barcelona""",
    "fr": """a ai aie ainsi alors as au aucun aucune aussi autre aux avaient avais avait
        avec avez avoir avons c ca car ce ceci cela celle celles celui ces cet cette ceux
        chaque comme comment d dans de des deja donc dont du elle elles en encore es est et
        etaient etais etait ete etre eu eux fait fois hors i il ils j je jamais l la le les
        leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ont ou par
        parce pas peu plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s
        sa sans se ses si sont sous sur t ta te tes toi ton tres tu un une vos votre vous y
        ya cest font faire donne donnent vont va aller disent dit rien vrai entendu dire
        voir vois vu trouve trouver milliers centaines jour jours toujours cause peut
        peuvent pouvons pouvoir beaucoup espagne catalogne barcelone""",
    "ar": """انهم في فى من على علي الى الي عن ان انه انها هذا هذه هاذا هاذي هاد هادي هادا
        هادو ذلك ذاك تلك التي الذي الذين اللي اللى و او ما لا لم لن ليس ليسوا مش مو ماشي مب
        هو هي هم هما هوما نحن احنا حنا انا انت انتم انتوما بس غير شي شو ايش اش واش علاش ليش
        ليه لماذا لمادا كيف كيفاش وين فين اين مع عند بين حتى قد كان كانت يكون كانوا بعد قبل
        عم راه را كي باش عشان علشان لان لانه بسبب هنا هون هنايا هناك ديال تاع متاع دي ده دا
        يا اه ايه لي له لها لهم بها به فيه فيها منه منها عليه عليها عليهم اي ثم هل ابدا والو
        لينا لنا علينا عليا ليا ليك ليهم منا منهم معانا عندنا عندهم عندو عنده كلهم كلنا بيهم
        فيهم مين شنو اشنو امتى وقتاش منين ازاي بزاف كتير كثير كثيرا يعطي تعطي كتعطي كيعطيو
        يعطيو يعطون بيعطوا بيعطوهن تعطيهم يعطوهم عطاو بقا بقات بقاتش بقاش عاد عادش صار صارت
        صاروا راهم هادوك هاديك سمعت يقولو كيقولو بيقولو يقال شفت نشوف لقيت لقيتش لقينا نلقى
        الاف آلاف يوم دايما بغا بغاو كيبغيو كيبغيوش بدهم بدن عايزين يريدون يريد يقدر نقدر
        تقدر تقدرش معاهم معاه معهم اسبانيا إسبانيا برشلونة كتالونيا""",
    "ht": """a ak an ap apa avek e epi gen genyen i k ka kab ke ki kisa kiyes kijan kote l
        la lan le li m men mwen moin mwin n nan ne ni nou o on ou pa paske pou poukisa pral
        sa se si sou t ta te tou w y yo yon wi non konsa sila deja eske kounye kounyea ye di
        fe fi ils il ba bay janm anyen tande we milye santèn jou toujou akoz poutèt pifò
        pifo anpil ann panyol espay""",
}

STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset((words + " " + _FILLERS).split()) for lang, words in _STOPWORDS.items()
}


def stopwords_for(lang: str) -> frozenset[str]:
    """A language's stop words (as written here); an unknown language has the fillers only."""
    return STOPWORDS.get(lang, frozenset(_FILLERS.split()))
