-- citebot index, schema version 5 (PRAGMA user_version; bump SCHEMA_VERSION in build.py with any change here).
-- build.py also sets PRAGMA application_id = APPLICATION_ID, which marks the file as a citebot index.
-- Written once by bot/index/build.py into a fresh file, then only read. Sentence ids follow (article date,
-- article id, position), so ordering by sentence id is chronological order.

CREATE TABLE articles (
    id           TEXT PRIMARY KEY,
    ord          INTEGER NOT NULL,          -- order the ingest produced them (for export)
    file         TEXT NOT NULL,
    outlet       TEXT NOT NULL,
    date         TEXT NOT NULL,             -- YYYY-MM-DD
    title        TEXT NOT NULL,
    url          TEXT,
    content_hash TEXT NOT NULL,
    facts        INTEGER NOT NULL DEFAULT 0, -- distinct entities + agreements + figures + sector-tagged sentences cited in it
    headline     INTEGER NOT NULL DEFAULT 1  -- 1: the title is the page's headline; 0: its lead sentence, cut short
);

-- The cleaned text apart from the metadata, so loading the articles' metadata does not read every text.
CREATE TABLE article_texts (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    text    TEXT NOT NULL
);

CREATE TABLE sentences (
    id      INTEGER PRIMARY KEY,
    article TEXT NOT NULL REFERENCES articles(id),
    idx     INTEGER NOT NULL,
    text    TEXT NOT NULL,                  -- == articles.text[start:end] (checked before the swap)
    start   INTEGER NOT NULL,
    "end"   INTEGER NOT NULL,
    kind    TEXT NOT NULL DEFAULT 'paragraph', -- the block it stands in: paragraph, bullet, heading, caption, credit …
    heading INTEGER                         -- a bullet's list heading ('Statements by N:'): that sentence's id
);
CREATE INDEX sentences_article ON sentences(article, start);

-- Contentless: holds only the index. Rows are sentence ids; the text indexed is the sentence's folded words
-- (bot.text.searchable: diacritics, Cyrillic transliterated, the spellings of one name as one more word), so
-- `le van an` finds `Lê Văn An`, `Иванов` finds `Ivanov` and `Vietnam` finds `Việt Nam`.
CREATE VIRTUAL TABLE sentences_fts USING fts5(
    text, content='', tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE entities (
    key          TEXT PRIMARY KEY,
    ord          INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('person', 'organization')),
    name         TEXT NOT NULL,
    role         TEXT,
    organization TEXT,                      -- as the article words it
    org_key      TEXT,                      -- that organisation resolved to an entity, when it is one
    description  TEXT,
    mentions     INTEGER NOT NULL DEFAULT 0 -- distinct sentences naming it (for ranking suggestions)
);
CREATE INDEX entities_org_key ON entities(org_key);

CREATE TABLE aliases (
    entity  TEXT NOT NULL REFERENCES entities(key),
    ord     INTEGER NOT NULL,               -- the name first, then the aliases as extracted
    alias   TEXT NOT NULL,
    folded  TEXT NOT NULL,
    generic INTEGER NOT NULL DEFAULT 0,     -- 1: every word of it names no one on its own (a title, a country,
                                            -- an organisation head noun: `President`, `Board`): never an answer alone
    shown   INTEGER NOT NULL DEFAULT 1,     -- 0: a lone given name or patronymic, left out of "Also written"
    PRIMARY KEY (entity, ord)
) WITHOUT ROWID;
CREATE INDEX aliases_folded ON aliases(folded);

-- Each word of the folded aliases once, numbered in (entity, ord) order of its first alias, with its flag.
CREATE TABLE alias_words (
    id      INTEGER PRIMARY KEY,
    word    TEXT NOT NULL,
    generic INTEGER NOT NULL                -- as aliases.generic, for the one word
);

-- The lexicon's one-word phrases the read path asks about (titles, role and head nouns, countries, function
-- words, place nouns), folded, with those tags: a /who word is looked up here, so answering it never loads the
-- lexicon in the serving process.
CREATE TABLE lexicon_words (
    word TEXT PRIMARY KEY,
    tags TEXT NOT NULL                      -- its tags, space-separated
) WITHOUT ROWID;

-- Every sentence naming an entity: the extractor's mentions plus the entity's own citations.
CREATE TABLE mentions (
    entity   TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    PRIMARY KEY (entity, sentence)
) WITHOUT ROWID;
CREATE INDEX mentions_sentence ON mentions(sentence);

-- Each entity's agreements: the ones it is a party to (agreement_parties.entity) and the ones a sentence naming it
-- (mentions) cites.
CREATE TABLE entity_agreements (
    entity    TEXT NOT NULL,
    agreement INTEGER NOT NULL,
    PRIMARY KEY (entity, agreement)
) WITHOUT ROWID;

-- How the articles refer to a person without naming them ('the Party chief'), as coreference resolved it, folded
-- without the article 'the'; `mentions` counts the sentences.
CREATE TABLE person_descriptions (
    entity      TEXT NOT NULL,
    folded      TEXT NOT NULL,
    description TEXT NOT NULL,              -- as first written
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (entity, folded)
) WITHOUT ROWID;
CREATE INDEX person_descriptions_folded ON person_descriptions(folded);

-- The entity's own citations as the extractor gave them (what `export` prints).
CREATE TABLE entity_citations (          -- key columns first: SQLite 3.40's integrity_check needs that here
    entity   TEXT NOT NULL,
    ord      INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    PRIMARY KEY (entity, ord)
) WITHOUT ROWID;

CREATE TABLE agreements (
    id             INTEGER PRIMARY KEY,
    key            TEXT NOT NULL,
    title          TEXT NOT NULL,
    type           TEXT NOT NULL,
    status         TEXT NOT NULL,
    first_sentence INTEGER,                 -- earliest citation: orders agreements by date
    parties        TEXT NOT NULL,           -- agreement_parties joined by char(31) (loaded in one read at open)
    parties_folded TEXT NOT NULL,           -- folded parties joined by ' | ', for substring filters
    sectors        TEXT NOT NULL,           -- agreement_sectors joined by char(31)
    sources        INTEGER NOT NULL,        -- how many sentences cite it (an answer reads only the first few)
    articles       INTEGER NOT NULL,        -- how many articles those sentences are in
    first_article  TEXT,                    -- the article of first_sentence: its date is when it was first reported
    rank           INTEGER NOT NULL         -- its place in answers: status, newest first, then as first written
);
CREATE INDEX agreements_key ON agreements(key);

-- Words of each agreement (title, parties, cited sentences), folded like sentences_fts; rowid = agreements.id.
CREATE VIRTUAL TABLE agreements_fts USING fts5(
    text, content='', tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE agreement_parties (
    agreement INTEGER NOT NULL REFERENCES agreements(id),
    ord       INTEGER NOT NULL,
    party     TEXT NOT NULL,
    folded    TEXT NOT NULL,
    entity    TEXT,                         -- the party resolved to an entity, when it is one
    PRIMARY KEY (agreement, ord)
) WITHOUT ROWID;
CREATE INDEX agreement_parties_entity ON agreement_parties(entity);

CREATE TABLE agreement_sectors (
    agreement INTEGER NOT NULL,
    ord       INTEGER NOT NULL,
    sector    TEXT NOT NULL,
    PRIMARY KEY (agreement, ord)
) WITHOUT ROWID;
CREATE INDEX agreement_sectors_sector ON agreement_sectors(sector);

CREATE TABLE agreement_citations (
    agreement INTEGER NOT NULL,
    ord       INTEGER NOT NULL,
    sentence  INTEGER NOT NULL,
    PRIMARY KEY (agreement, ord)
) WITHOUT ROWID;
CREATE INDEX agreement_citations_sentence ON agreement_citations(sentence);

CREATE TABLE sectors (
    key    TEXT PRIMARY KEY,
    ord    INTEGER NOT NULL,
    name   TEXT NOT NULL,
    parent TEXT,
    count  INTEGER NOT NULL DEFAULT 0       -- distinct sentences tagged with it or a descendant
);

-- A sentence tagged with a sector (direct = 1) and, derived, with each of its ancestors (direct = 0),
-- so a parent's facts are one index range scan in chronological order.
CREATE TABLE sector_tags (
    sector   TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    direct   INTEGER NOT NULL,
    PRIMARY KEY (sector, sentence)
) WITHOUT ROWID;
CREATE INDEX sector_tags_sentence ON sector_tags(sentence);

CREATE TABLE figures (
    id    INTEGER PRIMARY KEY,
    value TEXT NOT NULL,
    unit  TEXT NOT NULL,
    about TEXT NOT NULL,
    variants TEXT NOT NULL DEFAULT '',  -- other spellings of the same figure ('USD 5.2 billion'), joined by char(31)
    first_sentence INTEGER,             -- its earliest citation: /figures pages by (first_sentence, id), a keyset
    sources  INTEGER NOT NULL,          -- how many sentences cite it (an answer reads only the first few)
    articles INTEGER NOT NULL           -- how many articles those sentences are in
);
CREATE INDEX figures_first ON figures(first_sentence, id);

CREATE TABLE figure_citations (
    figure   INTEGER NOT NULL,
    ord      INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    PRIMARY KEY (figure, ord)
) WITHOUT ROWID;
CREATE INDEX figure_citations_sentence ON figure_citations(sentence);

-- What the index was built from: `seeds_digest` (the digest of the seed files' names and bytes) and `extractor`
-- (the digest of the extraction code and lexicon); a start-up rebuilds when either differs from what it has.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
