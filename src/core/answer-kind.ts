/**
 * What kind of answer a question asks for, read from its wording, and whether a sentence holds
 * one: the excerpt shows the sentence that answers, not only the one that repeats the question.
 */

/** The kind of thing a question asks for; `other` when its wording does not say. */
export type AnswerKind =
  'person' | 'date' | 'number' | 'reason' | 'place' | 'statement' | 'outcome' | 'other';

/**
 * Kinds no wording marks, whose answer comes after the sentence that names what the question is
 * about: what someone said or decided follows the sentence naming them ("…Lavrov was asked
 * about X. 'I believe…'"), an outcome follows the events that led to it ("The court upheld the
 * mandate.").
 */
export const FOLLOWING_KINDS: ReadonlySet<AnswerKind> = new Set(['statement', 'outcome']);

const KIND_PATTERNS: ReadonlyArray<[AnswerKind, RegExp]> = [
  // "How many", "how much", "what share", "how long is it valid": a quantity or a percentage.
  [
    'number',
    /\b(?:how\s+(?:many|much|long|big|large|high|low|old|far|often)|what\s+(?:share|percentage|percent|proportion|number|amount|fraction|part)|(?:what|which)\s+(?:[\p{L}-]+\s+)?(?:levels?|rates?|price|cost|age|threshold|limit|figure)|which\s+(?:share|percentage|proportion)|(?:death\s+)?toll|how\s+fast)\b/iu,
  ],
  [
    'date',
    /\b(?:when|what\s+(?:date|day|year|month|time)|since\s+when|which\s+(?:date|day|year|month))\b/iu,
  ],
  [
    'reason',
    /\b(?:why|what\s+(?:is|was|were|are)\s+the\s+reasons?|for\s+what\s+reason|how\s+come)\b/iu,
  ],
  [
    'person',
    /\b(?:who(?:m|se)?|which\s+(?:person|people|official|minister|agency|body|party|newspaper|outlet|organisation|organization))\b/iu,
  ],
  [
    'statement',
    /\b(?:what\s+(?:did|does|do|has|have|had|would|will)\s+(?:[\p{L}\p{N}'’.-]+\s+){1,6}?(?:say|think|make\s+of|decide|suggest|propose|write|reply|respond|answer|announce|claim|call\s+for|want|demand|recommend|warn|argue|mean|complain|promise|conclude|tell)|how\s+(?:did|does|do|has|have|would)\s+(?:[\p{L}\p{N}'’.-]+\s+){1,6}?(?:react|respond|reply|answer)|what\s+(?:is|was|were|are)\s+(?:[\p{L}\p{N}'’.-]+\s+){1,4}?(?:reaction|response|reply|answer|view|position|opinion|complaint|proposal|suggestion|argument|message))\b/iu,
  ],
  [
    'outcome',
    /\b(?:what\s+(?:is|was|were|are)\s+the\s+(?:outcome|result|upshot|verdict|ruling|consequence)s?|what\s+(?:happened|came\s+of))\b/iu,
  ],
  [
    'place',
    /\b(?:where|which\s+(?:city|cities|country|countries|region|regions|place|places|town|towns))\b/iu,
  ],
];

/**
 * The kind of answer a question asks for.
 *
 * @example
 * answerKindOf('How many doses has Bashkortostan received?'); // 'number'
 * answerKindOf('Who announced the passports?'); // 'person'
 */
export function answerKindOf(question: string): AnswerKind {
  // A yes/no question ("Was anyone hurt when Kazan started…?") asks for no kind: its "when" or
  // "where" joins two clauses, it does not ask for a date or a place.
  if (YES_NO.test(lastSentence(question))) return 'other';
  // The question word that comes first asks: "Who got hurt when Kazan started…?" asks who.
  let first: { kind: AnswerKind; index: number; text: string } = {
    kind: 'other',
    index: Infinity,
    text: '',
  };
  for (const [kind, pattern] of KIND_PATTERNS) {
    const match = pattern.exec(question);
    if (match && match.index < first.index) first = { kind, index: match.index, text: match[0] };
  }
  // "What mask did he wear when he met Wang Yi?" asks what, not when: a question word before
  // the one that names a kind asks for no kind of its own ("the death toll" names one anywhere).
  const questionWord = QUESTION_WORD.exec(question);
  if (questionWord && questionWord.index < first.index && QUESTION_WORD_FIRST.test(first.text))
    return 'other';
  return first.kind;
}

const QUESTION_WORD = /\b(?:what|which|who|whom|whose|when|where|why|how)\b/iu;
const QUESTION_WORD_FIRST = new RegExp(`^${QUESTION_WORD.source}`, 'iu');

/** A question that opens with an auxiliary verb asks yes or no. */
const YES_NO =
  /^\W*(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|may|might|must|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|can't|won't)\b/iu;

/** The last sentence of a question ("A Polish expert said X. What did Lavrov make of it?"). */
function lastSentence(question: string): string {
  const sentences = question.trim().split(/(?<=[.!?])\s+/u);
  return sentences.at(-1) ?? question;
}

const MONTH =
  /\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?/u;
// Not "one": far more often "one of", "no one" or "at least one fight" than a count asked for.
// Nor "hundreds" or "thousands": a rough size ("hundreds of passengers were kicked off") is
// seldom the count asked for, which tends to follow it ("Some 2,200 people were not admitted").
const NUMBER_WORD =
  /\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|third|quarter|dozen|percent|per\s+cent)\b/iu;
/**
 * A day of the week, a season, a time of day, a time relative to now or to an event ("on
 * Sundays", "in the spring", "at seven", "every morning", "last year", "two weeks ago", "after
 * the elections"): an answer to "when" as much as a calendar date is.
 */
const RELATIVE_DATE =
  /\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?|yesterday|today|tonight|tomorrow|daily|weekly|monthly|(?:in|this|last|next|early|late|every|each)\s+(?:the\s+)?(?:spring|summer|autumn|winter|morning|afternoon|evening|night|day|week|weekend|month|year|decade|century)|(?:days|weeks|months|years|decades)\s+ago|at\s+(?:noon|midnight|dawn|dusk|night|\d{1,2}(?:[:.]\d\d)?(?:\s*[ap]\.?m\.?)?|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\s+o'clock)?)\b|\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?m\.?|(?:after|before|during|until|since)\s+(?:the\s+)?\p{L}+)/iu;

/** A day of a month or a year: a date, not the quantity a "how many" asks for. */
const DATE_NUMBERS = new RegExp(
  `${MONTH.source}\\s+\\d{1,2}(?:st|nd|rd|th)?\\b|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH.source}|\\b(?:1[89]|20)\\d\\d\\b`,
  'gu',
);
const REASON =
  /\b(?:because|since|due\s+to|as\s+a\s+result|so\s+that|in\s+order\s+to|owing\s+to|the\s+reason|after|since)\b/iu;
/** Two or more capitalised words in a row ("Valentina Matviyenko", "Federation Council"). */
const NAME = /\p{Lu}[\p{L}'’.-]+(?:\s+(?:of\s+|the\s+|de\s+|von\s+der\s+)?\p{Lu}[\p{L}'’.-]+)+/u;
const ROLE =
  /\b(?:president|minister|governor|mayor|head|chair(?:man|woman)?|spokes(?:man|woman|person)|secretary|council|ministry|agency|service|office|court|committee|journalists?|authorities|government|party|official|experts?|doctors?)\b/iu;
const PLACE = /\b(?:in|at|to|from|near|on\s+the\s+bank\s+of)\s+(?:the\s+)?\p{Lu}/u;

/**
 * Whether a sentence holds the kind of answer asked for; words the question itself contains
 * do not count ("in 2021" does not answer "when" if the question said 2021).
 *
 * @example
 * holdsAnswer('number', 'Some 2,200 people were not admitted.', new Set()); // true
 */
export function holdsAnswer(
  kind: AnswerKind,
  sentence: string,
  questionWords: ReadonlySet<string>,
): boolean {
  // Nothing to look for: no need to blank out the question's words.
  if (kind === 'other') return false;
  const fresh = withoutQuestionWords(sentence, questionWords);
  switch (kind) {
    case 'number': {
      const undated = fresh.replace(DATE_NUMBERS, ' ');
      return /\d/u.test(undated) || NUMBER_WORD.test(undated) || /%/u.test(undated);
    }
    case 'date':
      return (
        MONTH.test(fresh) ||
        // A year of any era or its decade ("in 1066", "the 1920s"), a century, an era.
        /\b\d{3,4}(?:s|'s)?\b|\b\d{1,2}(?:st|nd|rd|th)\s+centur|\bcenturies\b|\b(?:BC|AD|BCE|CE)\b/u.test(
          fresh,
        ) ||
        /\b\d{1,2}\.\d{1,2}\.\d{4}\b/u.test(fresh) ||
        RELATIVE_DATE.test(fresh)
      );
    case 'reason':
      return REASON.test(fresh);
    case 'person':
      return NAME.test(fresh.slice(1)) || ROLE.test(fresh);
    case 'place':
      return PLACE.test(fresh);
    case 'statement':
    case 'outcome':
      // Any sentence may say it: where it stands, after the one naming the subject, tells.
      return true;
  }
}

function bare(word: string): string {
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/**
 * The sentence with each of its words (runs of non-space) that is a question word, once lower
 * case and stripped of punctuation at its ends (`bare`), turned into as many spaces.
 */
function withoutQuestionWords(sentence: string, questionWords: ReadonlySet<string>): string {
  const lower = sentence.toLowerCase();
  // Lower case keeps every offset unless a letter's lower case is longer ("İ"); then, and for
  // an empty question word, word by word.
  if (questionWords.has('') || lower.length !== sentence.length) {
    return sentence
      .split(/(\s+)/u)
      .map((word) => (questionWords.has(bare(word)) ? ' '.repeat(word.length) : word))
      .join('');
  }
  // Otherwise only where a question word occurs: this runs on every candidate passage, and
  // most of its words are no question word.
  const blanked: Array<[number, number]> = [];
  for (const questionWord of questionWords) {
    if (SPACE.test(questionWord)) continue; // no word between spaces is
    for (
      let at = lower.indexOf(questionWord);
      at !== -1;
      at = lower.indexOf(questionWord, at + 1)
    ) {
      const end = at + questionWord.length;
      // Inside a longer word ("in" in "within"): `bare` would keep the letter beside it.
      if (asciiLetterOrDigit(lower.charCodeAt(at - 1)) || asciiLetterOrDigit(lower.charCodeAt(end)))
        continue;
      let wordStart = at;
      while (wordStart > 0 && !SPACE.test(sentence[wordStart - 1]!)) wordStart -= 1;
      let wordEnd = end;
      while (wordEnd < sentence.length && !SPACE.test(sentence[wordEnd]!)) wordEnd += 1;
      if (bare(sentence.slice(wordStart, wordEnd)) === questionWord)
        blanked.push([wordStart, wordEnd]);
    }
  }
  if (blanked.length === 0) return sentence;
  blanked.sort((a, b) => a[0] - b[0]);
  let fresh = '';
  let kept = 0;
  for (const [start, end] of blanked) {
    if (start < kept) continue;
    fresh += sentence.slice(kept, start) + ' '.repeat(end - start);
    kept = end;
  }
  return fresh + sentence.slice(kept);
}

const SPACE = /\s/u;

const asciiLetterOrDigit = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
