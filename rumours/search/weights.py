"""The weights and thresholds of search ranking, shared by the server
(query_plan.py, ranking.py) and the offline search of the static export."""

FIELD_LEVELS = (("head", 1.0), ("summary", 0.5), ("body", 0.2))
WEIGHING_FIELDS = ("head", "summary")
OTHER_LANGUAGE = 0.85  # a reading in a language the query does not seem to be written in
FOREIGN_READING = 0.4  # ... of a word the query's own language knows
PREFIX_WEIGHT = 0.85  # a known stem that is a prefix of the word
FUZZY_WEIGHT = 0.8  # a close spelling of an unknown word
EXPANSION_WEIGHT = 0.75  # another phrase of a concept the query mentions
PHRASE_PART = 0.5  # one word of a phrase found alone
UNKNOWN_SHARE = 0.8  # weight of a word no rumour has, as a share of the rarest known word's
BODY_ONLY_SHARE = 0.65  # ... and of a word only found in bodies
NUMBER_SHARE = 0.3  # ... and of an unknown number
MIN_SLOT_WEIGHT = 0.05
PRECISION_WEIGHT = 0.25
PRECISION_DEPTH = 100  # rumours whose claim lines are compared with the query
ANSWER_COVERAGE = 0.45  # share of the query's weight the claim and aliases must cover
ANSWER_UNCOVERED = 0.45  # ... and no slot they miss may carry this share of it
ANSWER_SPECIFICITY = 0.2  # ... and at least this share of the rarest word's weight
ANSWER_RATIO = 0.8  # another rumour answers too when it scores this close to the first
FUZZY_MIN_LENGTH = 4  # unknown words this long also match close spellings
FUZZY_TWO_EDITS_LENGTH = 8  # ... and from this long, spellings two edits away
FUZZY_EXPANSIONS = 3
