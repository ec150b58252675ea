/**
 * Words that say nothing about which part of a profile answers a question: English function words, plus the
 * words every question to a twin uses ("tell me about you", "what do you know"). Kept out of the index and out
 * of queries so they neither rank chunks nor let an off-topic question look on-topic.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren arent as at be because been before being below
  between both but by can cannot cant could couldn did didn didnt do does doesn doesnt doing don dont down during each
  few for from further had hadn hasn has hasnt have haven havent having he her here hers herself him himself his how
  i if im in into is isn isnt it its itself ive just let lets me more most mustn my myself no nor not now of off on
  once only or other ought our ours ourselves out over own same shan she should shouldn so some such than that thats
  the their theirs them themselves then there theres these they this those through to too under until up very was
  wasn we were weren what whats when where whether which while who whom whos why will with wont would wouldn you
  youd youll your youre yours yourselves youve
  tell know knew describe explain share please ever really actually like would could might maybe thing things
  something anything stuff kind sort lot lots much many tell us say said give walk time times way ways get got
  go going went want wanted think mean one ones well good great best yes okay ok hi hello hey thanks thank also
  currently usually typically generally`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/**
 * Words questions use for framing rather than topic ("a difficult *situation*", "your management *style*"). They
 * still match, but count little toward how much of a question a chunk covers, so a profile that never says
 * "situation" does not look like it misses half the question.
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set(
  `situation situations style approach example examples instance moment moments story stories opinion opinions view
  views feel feeling feelings handle handled handling deal dealt overall typical typically day days biggest greatest
  favorite favourite favourites favorites recent recently current latest main top key area areas level kind type
  types part parts aspect aspects side best worst most least first last next new old general specific particular
  important approach approaches process use used uses using solve solved solving person someone somebody people anyone everyone situationally manner`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
