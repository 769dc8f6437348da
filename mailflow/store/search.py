"""Full-text search over filed mail, in English and Chinese, on SQLite and PostgreSQL.

What is indexed per message: subject, body text, sender and recipients, attachment names and
their text (PDF text from extraction), the order's numbers and the buyer's name; in and out.

Three indexes, because no single one answers every kind of query fast:
- whole words (English, numbers), matched by their beginning: SQLite FTS5 with the unicode61
  tokenizer, PostgreSQL a stored `to_tsvector('simple')` column with a GIN index (stored: the
  recheck of each candidate would otherwise parse its whole body); a common word's list here is far
  shorter than the lists of its trigrams (measured 4x faster at 30,000 messages);
- any other text of three or more characters (Chinese needs no spaces, `PO-1234`, `@acme`):
  SQLite FTS5 with the trigram tokenizer, PostgreSQL pg_trgm;
- a Chinese word of one or two characters (发票): a trigram index cannot find it (measured: FTS5's
  trigram index returns nothing for 发票, and LIKE through it neither), so every pair of
  consecutive CJK characters is kept in a bigram table, indexed on both characters.

User input is never query syntax: it is split into terms, each term is searched as text (quoted
for FTS5, a bound parameter everywhere), so `"`, `*`, NEAR, parentheses, `PO-1234`, `don't` or
SQL fragments find what they say or nothing, and never fail.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from mailflow.correlate import NUMBER_LIKE, alias_key, number_keys
from mailflow.errors import MailflowError
from mailflow.store.batch import Together
from mailflow.store.db import MessageRow, OrderAlias, OrderRow, SearchBigram, SearchDoc
from mailflow.store.driver import on_driver

FTS_TABLES = ("search_fts", "search_words")  # SQLite: trigrams, words
MAX_QUERY = 500  # characters
MAX_TERMS = 20
SCAN_LIMIT = 20_000  # newest messages read when a query has only short non-Chinese words
CANDIDATES = 500  # matches a search checks at a time, newest first
FIRST_RANGE = 2_000  # message ids in PostgreSQL's first range (see _pg_ranges)
BOUND = 5_000  # PostgreSQL: matches taken at once, unordered, before it goes range by range
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WORD = re.compile(r"[a-z0-9]+")  # what PostgreSQL's 'simple' parser keeps as one word


class QueryError(MailflowError):
    exit_code = 2


def is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


_CJK_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff]{2,}")


def bigrams(body: str) -> set[tuple[str, str]]:
    """Each pair of consecutive CJK characters: only the runs of CJK text are walked (a regex
    finds them), not every character of an English mail."""
    return {pair for run in _CJK_RUN.findall(body) for pair in itertools.pairwise(run)}


def document(subject: str, body: str, addresses: Sequence[str], names: Sequence[str],
             attachment_texts: Sequence[str], numbers: Sequence[str], buyer: str,
             known: Mapping[str, Sequence[str]] | None = None) -> str:
    """The text one message is found by (numbers also in their compared form; `known` as in
    `number_keys`)."""
    parts = [subject, *addresses, *names, buyer, *numbers, body, *attachment_texts]
    keys = number_keys([subject, *numbers, body, *attachment_texts], known)
    return "\n".join([*(p for p in parts if p), *([" ".join(keys)] if keys else [])])


# built once (their compiled form is then found in SQLAlchemy's cache), run on the connection
# of the caller's transaction: a message's index rows need no ORM object
_DOC = insert(SearchDoc)
_BIGRAMS = insert(SearchBigram)
# SQLite: the driver's executemany with a tuple a row, through none of SQLAlchemy's layers per
# row (a Chinese mail has hundreds of pairs; measured a fifth of the index's time)
_SQLITE_DOC = "INSERT INTO search_docs (message_row_id, body) VALUES (?, ?)"
_SQLITE_BIGRAMS = "INSERT INTO search_bigrams (c1, c2, message_row_id) VALUES (?, ?, ?)"
# S608: the tables are ours (FTS_TABLES); the values are bound
_FTS = [f"INSERT INTO {table} (rowid, body) VALUES (?, ?)" for table in FTS_TABLES]  # noqa: S608


def index(session: Session, message_row_id: int, body: str, later: bool = False) -> Later | None:
    """Add one message to the index, inside the caller's transaction. `later` (a batch's mail):
    SQLite's full-text rows and bigrams are returned, to be written when the batch commits, the
    whole batch's at once: nothing searches its mails before, and a row written inside the mail's
    savepoint costs more (FTS5 writes what it holds to disk at every savepoint, two a mail; each
    page a mail's pairs change, spread over the whole index, is first copied for the savepoint)."""
    conn = session.connection()
    pairs = sorted(bigrams(body))  # in the index's order: each row goes where the last went
    if conn.dialect.name != "sqlite":
        conn.execute(_DOC, {"message_row_id": message_row_id, "body": body})
        if pairs:  # one executemany, not a statement a pair (a Chinese mail has hundreds)
            conn.execute(_BIGRAMS, [{"message_row_id": message_row_id, "c1": a, "c2": b} for a, b in pairs])
        return None
    on_driver(conn, "execute", _SQLITE_DOC, (message_row_id, body))  # as store.driver.Direct does
    rows = Together(_sqlite_rows, (message_row_id, body, pairs))
    if later:
        return rows
    rows(conn)
    return None


Later = Callable[[Connection], None]  # work for a batch's commit (`Batch.before`)


def _sqlite_rows(conn: Connection, messages: list[tuple[int, str, list[tuple[str, str]]]]) -> None:
    """SQLite's full-text rows and bigrams of messages (row id, text, pairs): one executemany a
    table, the pairs of them all in the order of the table's key."""
    for fts in _FTS:
        conn.exec_driver_sql(fts, [(row_id, body) for row_id, body, _ in messages])
    pairs = sorted((a, b, row_id) for row_id, _, of_one in messages for a, b in of_one)
    if pairs:
        conn.exec_driver_sql(_SQLITE_BIGRAMS, pairs)


@dataclass(frozen=True)
class Query:
    long: tuple[str, ...]  # 3+ characters: the trigram index
    cjk: tuple[str, ...]  # 1-2 Chinese characters: the bigram table
    short: tuple[str, ...]  # 1-2 other characters: checked on the candidates


def parse_query(raw: str) -> Query:
    """Terms of plain text; a quote, a star or NEAR is just a character to find."""
    cleaned = _CONTROL.sub(" ", raw).strip()
    if not cleaned:
        raise QueryError("the search is empty")
    if len(cleaned) > MAX_QUERY:
        raise QueryError(f"the search is longer than {MAX_QUERY} characters")
    terms = [t.strip("\"'()") or t for t in cleaned.split()]
    terms = list(dict.fromkeys(_number_form(t).lower() for t in terms if t))
    if len(terms) > MAX_TERMS:
        raise QueryError(f"the search has more than {MAX_TERMS} words")
    long = tuple(t for t in terms if len(t) >= 3)
    short = [t for t in terms if len(t) < 3]
    return Query(long, tuple(t for t in short if all(is_cjk(c) for c in t)),
                 tuple(t for t in short if not all(is_cjk(c) for c in t)))


def _number_form(term: str) -> str:
    """`BW-2026-0457` searched as `BW20260457`, the form every number is indexed in too."""
    if any(c.isdigit() for c in term) and NUMBER_LIKE.fullmatch(term) and not term.isalnum():
        key = alias_key(term)
        if len(key) >= 4:
            return key
    return term


@dataclass(frozen=True)
class Filters:
    order: str | None = None
    buyer: str | None = None
    category: str | None = None
    sender: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    direction: str | None = None
    limit: int = 20
    party: str | None = None  # who sent it (parties.PARTIES), as the pipeline decided


@dataclass(frozen=True)
class Hit:
    message_row_id: int
    message_id: str
    date: dt.datetime | None
    direction: str
    sender: str
    subject: str
    order: str | None
    category: str
    snippet: str


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search(session: Session, raw: str, filters: Filters = Filters()) -> list[Hit]:
    """The newest matching messages first, whole words before words that only begin with a term.

    At the size of a desk's whole history (a million messages) a query must not read every
    match: a common word is in most of them. One index drives the search and gives its
    matches newest first (by the order they were filed), CANDIDATES at a time; each batch is
    checked against the other terms and the filters, and put in date order; the search stops
    as soon as it has `filters.limit` messages. Which index drives:
    - words ([a-z0-9]+): the word index, first for the words as typed (whole words), then for
      words that begin with them, unless the first pass found enough;
    - else other text of three or more characters (Chinese, `PO-1234`): the trigram index;
    - else one or two Chinese characters: the bigram table;
    - else (only short terms): the newest SCAN_LIMIT messages.
    Every other term of the query is then a substring of the message's indexed text."""
    query = parse_query(raw)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if not sqlite:  # a plan for these very values: a generic plan, made blind to how common a word
        # is, walks a range of ids row by row (measured: 10 -> 80-110 ms an order number at a
        # million messages, once the driver had prepared the statement)
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    words = tuple(t for t in query.long if _WORD.fullmatch(t))
    other = tuple(t for t in query.long if t not in words)
    found: list[int] = []
    for candidates, checked in _drivers(session, sqlite, words, other, query):
        for batch in candidates:
            seen = set(found)  # the whole words' pass found these already
            found += _passing(session, [i for i in batch if i not in seen], checked,
                              filters)[:filters.limit - len(found)]
            if len(found) >= filters.limit:
                return _hits(session, found, query)
    return _hits(session, found, query)


Candidates = Iterator[list[int]]  # batches of message ids, newest first


def _drivers(session: Session, sqlite: bool, words: tuple[str, ...], other: tuple[str, ...],
             query: Query) -> Iterator[tuple[Candidates, tuple[str, ...]]]:
    """The passes of a search: their candidates and the terms each candidate must then contain."""
    if words:
        rest = (*other, *query.cjk, *query.short)
        if sqlite:
            yield _fts(session, "search_words", " AND ".join(_fts_phrase(t) for t in words)), rest
            yield _fts(session, "search_words", " AND ".join(_fts_phrase(t) + "*" for t in words)), rest
        else:  # [a-z0-9]+ only: no tsquery syntax can come in
            yield _pg_words(session, " & ".join(words)), rest
            yield _pg_words(session, " & ".join(f"{t}:*" for t in words)), rest
    elif other:
        rest = (*other[1:], *query.cjk, *query.short)
        if sqlite:
            yield _fts(session, "search_fts", " AND ".join(_fts_phrase(t) for t in other)), rest
        else:
            yield _pg_text(session, other[0]), rest
    elif query.cjk:
        yield _bigram_hits(session, query.cjk[0]), (*query.cjk[1:], *query.short)
    else:  # nothing indexed to start from
        newest = select(MessageRow.id).order_by(MessageRow.id.desc()).limit(SCAN_LIMIT)
        yield _batches(list(session.scalars(newest))), query.short


def _fts(session: Session, table: str, match: str) -> Candidates:
    """SQLite FTS5 matches by rowid, newest first: FTS5 walks its lists backwards and stops
    after CANDIDATES (no score is computed: bm25 would read every match's list first)."""
    def page(before: int | None) -> list[int]:
        below = " AND rowid < :before" if before is not None else ""
        # S608: `table` is search_fts or search_words (named by the callers), `below` a
        # constant; the match, the limit and the rowid are bound
        return list(session.scalars(text(
            f"SELECT rowid FROM {table} WHERE {table} MATCH :match{below} ORDER BY rowid DESC LIMIT :n")  # noqa: S608
            .bindparams(match=match, n=CANDIDATES, **({} if before is None else {"before": before}))))
    return _pages(page)


def _pages(page: Callable[[int | None], list[int]]) -> Candidates:
    """The pages an index gives newest first, CANDIDATES ids each (`page(before)`: those below
    `before`, None for the newest), until one comes back short."""
    before = None
    while True:
        batch = page(before)
        if batch:
            yield batch
        if len(batch) < CANDIDATES:
            return
        before = batch[-1]


def _pg_ranges(session: Session, condition: str, params: dict[str, Any]) -> Candidates:
    """PostgreSQL's GIN indexes give a term's matches in no order, and reading every match of
    a common word costs seconds at a million messages. They are asked range by range of
    message ids, newest first, each range four times the last: a common word fills the first
    small range. A range that held few matches shows a rarer term: then all its older matches
    are taken at once, up to BOUND (beyond that, the ranges go on)."""
    top = session.scalar(select(func.max(SearchDoc.message_row_id)))
    high, span = (top or 0) + 1, FIRST_RANGE
    while high > 0:
        low = max(0, high - span)
        # S608: `condition` is one of the two constants of _pg_words and _pg_text; its
        # values and the range are bound
        ids = sorted(session.scalars(text(
            f"SELECT message_row_id FROM search_docs WHERE {condition} "  # noqa: S608
            "AND message_row_id >= :low AND message_row_id < :high").bindparams(
                low=low, high=high, **params)), reverse=True)
        yield from _batches(ids)
        high, span = low, span * 4
        if high > 0 and len(ids) < CANDIDATES // 5:
            older = list(session.scalars(text(
                f"SELECT message_row_id FROM search_docs WHERE {condition} "  # noqa: S608 - as above
                "AND message_row_id < :high LIMIT :bound").bindparams(high=high, bound=BOUND + 1, **params)))
            if len(older) <= BOUND:
                yield from _batches(sorted(older, reverse=True))
                return


def _batches(ids: list[int]) -> Candidates:
    for start in range(0, len(ids), CANDIDATES):
        yield ids[start:start + CANDIDATES]


def _pg_words(session: Session, tsquery: str) -> Candidates:
    return _pg_ranges(session, "words @@ to_tsquery('simple', :tsquery)", {"tsquery": tsquery})


def _pg_text(session: Session, term: str) -> Candidates:
    return _pg_ranges(session, "body ILIKE :pattern ESCAPE '\\'", {"pattern": "%" + _like(term) + "%"})


def _bigram_hits(session: Session, term: str) -> Candidates:
    """One or two Chinese characters: the bigram table's index on (c1, c2, message) gives
    their messages newest first without reading the table (one character: as either half)."""
    halves = [and_(SearchBigram.c1 == term[0], SearchBigram.c2 == term[1])] if len(term) == 2 \
        else [SearchBigram.c1 == term, SearchBigram.c2 == term]

    def page(before: int | None) -> list[int]:
        found: list[int] = []
        for half in halves:
            stmt = select(SearchBigram.message_row_id).where(half)
            if before is not None:
                stmt = stmt.where(SearchBigram.message_row_id < before)
            found += session.scalars(stmt.distinct().order_by(SearchBigram.message_row_id.desc())
                                     .limit(CANDIDATES))
        return sorted(set(found), reverse=True)[:CANDIDATES]
    return _pages(page)


def _passing(session: Session, ids: list[int], terms: tuple[str, ...], filters: Filters) -> list[int]:
    """Those of the candidates that hold every term and pass the filters, newest first."""
    if not ids:
        return []
    stmt = _filtered(session, select(MessageRow.id).where(MessageRow.id.in_(ids)), filters)
    stmt = stmt.order_by(MessageRow.date.desc(), MessageRow.id.desc())
    if not terms:
        return list(session.scalars(stmt))
    # the terms are looked for here, not with SQL's lower(): SQLite's folds ASCII letters only
    texts = session.execute(stmt.add_columns(SearchDoc.body)
                            .join(SearchDoc, SearchDoc.message_row_id == MessageRow.id)).all()
    return [row_id for row_id, body in texts if all(term in body.lower() for term in terms)]


def _like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(session: Session, stmt: Select[Any], filters: Filters) -> Select[Any]:
    if filters.order:
        ids = select(OrderAlias.order_id).where(OrderAlias.key == alias_key(filters.order))
        by_folder = select(OrderRow.id).where(OrderRow.folder == filters.order)
        stmt = stmt.where(or_(MessageRow.order_id.in_(ids), MessageRow.order_id.in_(by_folder)))
    if filters.buyer:
        stmt = stmt.where(func.lower(MessageRow.buyer).like("%" + _like(filters.buyer.lower()) + "%",
                                                            escape="\\"))
    if filters.category:
        stmt = stmt.where(MessageRow.category == filters.category)
    if filters.sender:
        stmt = stmt.where(func.lower(MessageRow.from_addr).like(
            "%" + _like(filters.sender.lower()) + "%", escape="\\"))
    if filters.since:
        stmt = stmt.where(MessageRow.date >= dt.datetime.combine(filters.since, dt.time(), dt.UTC))
    if filters.until and filters.until < dt.date.max:  # the last day has no day after it
        stmt = stmt.where(MessageRow.date < dt.datetime.combine(
            filters.until + dt.timedelta(days=1), dt.time(), dt.UTC))
    if filters.direction:
        stmt = stmt.where(MessageRow.direction == filters.direction)
    if filters.party:
        stmt = stmt.where(MessageRow.decision["party"].as_string() == filters.party)
    return stmt


def _hits(session: Session, ids: list[int], query: Query) -> list[Hit]:
    if not ids:
        return []
    rows = {m.id: m for m in session.execute(  # the columns shown, not the message's whole text
        select(MessageRow.id, MessageRow.message_id, MessageRow.date, MessageRow.direction,
               MessageRow.from_addr, MessageRow.subject, MessageRow.order_id, MessageRow.category)
        .where(MessageRow.id.in_(ids)))}
    bodies = dict(session.execute(select(SearchDoc.message_row_id, SearchDoc.body)
                                  .where(SearchDoc.message_row_id.in_(ids))).all())
    numbers = dict(session.execute(select(OrderRow.id, OrderRow.number)
                                   .where(OrderRow.id.in_({r.order_id for r in rows.values()
                                                           if r.order_id}))).all())
    terms = [*query.long, *query.cjk, *query.short]
    return [Hit(m.id, m.message_id, m.date, m.direction, m.from_addr, m.subject,
                numbers.get(m.order_id) if m.order_id else None, m.category,
                snippet(bodies.get(m.id, ""), terms))
            for m in (rows[i] for i in ids if i in rows)]


def snippet(body: str, terms: Sequence[str], width: int = 60) -> str:
    """The text around the first term found, the terms marked [like this]."""
    low = body.lower()
    found = [(low.find(t), t) for t in terms if low.find(t) >= 0]
    start = min(found)[0] if found else 0
    piece = " ".join(body[max(0, start - width):start + 2 * width].split())
    for term in sorted(terms, key=len, reverse=True):
        piece = re.sub(re.escape(term), lambda m: f"[{m.group(0)}]", piece, flags=re.IGNORECASE)
    return ("…" if start > width else "") + piece + ("…" if start + 2 * width < len(body) else "")
