/**
 * `parseQuery`: text to a {@link Query}, with errors that name the column.
 */
import type { Node, NonterminalNode, TerminalNode, IterationNode, Semantics } from 'ohm-js';
import type { CompareOp, Literal, Path, PathSegment, Query } from './ast';
import { QuerySyntaxError } from './errors';
import { queryGrammar } from './grammar';

const FUNCTIONS = ['exists', 'changed', 'startsWith', 'contains'];

/** Longest query text accepted (a query is typed or pasted by a person). */
export const MAX_QUERY_LENGTH = 4096;

let semantics: Semantics | null = null;

function column(node: Node): number {
  return node.source.startIdx + 1;
}

function flatten(kind: 'and' | 'or', left: Query, right: Query): Query {
  // `a and b and c` is one node with three terms, whatever the grouping, so printing is stable.
  const terms = [...(left.kind === kind ? left.terms : [left]), ...(right.kind === kind ? right.terms : [right])];
  return { kind, terms };
}

function unescape(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'u':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return e;
    }
  });
}

/**
 * The tree walk from a match to a Query, built on the first parse: compiling the grammar takes
 * ~100 ms, which every program importing the engine would pay at startup otherwise.
 */
function querySemantics(): Semantics {
  if (semantics !== null) return semantics;
  const s = queryGrammar().createSemantics();
  semantics = s;
  s.addOperation<Query>('query', {
    Main(e: NonterminalNode) {
      return e.query();
    },
    Or_or(a: NonterminalNode, _op: Node, b: NonterminalNode) {
      return flatten('or', a.query(), b.query());
    },
    And_and(a: NonterminalNode, _op: Node, b: NonterminalNode) {
      return flatten('and', a.query(), b.query());
    },
    Not_not(_op: Node, e: NonterminalNode) {
      return { kind: 'not', term: e.query() };
    },
    Primary_paren(_l: Node, e: NonterminalNode, _r: Node) {
      return e.query();
    },
    Primary_exists(_f: Node, _l: Node, p: NonterminalNode, _r: Node) {
      return { kind: 'exists', path: p.path() };
    },
    Primary_changed(_f: Node, _l: Node, p: NonterminalNode, _r: Node) {
      return { kind: 'changed', path: p.path() };
    },
    Primary_startsWith(_f: Node, _l: Node, p: NonterminalNode, _c: Node, s: NonterminalNode, _r: Node) {
      return { kind: 'startsWith', path: p.path(), text: s.literal() };
    },
    Primary_contains(_f: Node, _l: Node, p: NonterminalNode, _c: Node, s: NonterminalNode, _r: Node) {
      return { kind: 'contains', path: p.path(), text: s.literal() };
    },
    Primary_unknownFunction(name: NonterminalNode, _l: Node, _body: IterationNode, _r: Node, _tail: IterationNode) {
      throw new QuerySyntaxError(`unknown function ${name.sourceString}(); the functions are ${FUNCTIONS.map((f) => `${f}()`).join(', ')}`, column(name));
    },
    Primary_notIn(p: NonterminalNode, _n: Node, _i: Node, list: NonterminalNode) {
      return { kind: 'not', term: { kind: 'in', path: p.path(), values: list.literals() } };
    },
    Primary_in(p: NonterminalNode, _i: Node, list: NonterminalNode) {
      return { kind: 'in', path: p.path(), values: list.literals() };
    },
    Primary_compare(p: NonterminalNode, op: NonterminalNode, v: NonterminalNode) {
      const text = op.sourceString;
      const normal: CompareOp = text === '==' ? '=' : text === '<>' ? '!=' : (text as CompareOp);
      return { kind: 'compare', op: normal, path: p.path(), value: v.literal() };
    },
  });

  s.addOperation<Literal[]>('literals', {
    List(_l: Node, items: NonterminalNode, _r: Node) {
      return items.asIteration().children.map((c) => c.literal() as Literal);
    },
  });

  s.addOperation<Literal>('literal', {
    Literal(v: NonterminalNode) {
      return v.literal();
    },
    string_double(_l: Node, body: IterationNode, _r: Node) {
      return unescape(body.sourceString);
    },
    string_single(_l: Node, body: IterationNode, _r: Node) {
      return unescape(body.sourceString);
    },
    bigint(this: NonterminalNode, _s: Node, _d: Node, _n: Node) {
      return BigInt(this.sourceString.slice(0, -1));
    },
    number(this: NonterminalNode, _s: Node, _d: Node, _dot: Node, _f: Node, _e: Node, _es: Node, _x: Node) {
      const text = this.sourceString;
      const n = Number(text);
      // An integer too large for a double is kept exact: `id = 12345678901234567890` means that id.
      if (/^-?\d+$/.test(text) && !Number.isSafeInteger(n)) return BigInt(text);
      if (!Number.isFinite(n)) throw new QuerySyntaxError(`number ${text} is too large`, column(this));
      return n;
    },
    true(_t: TerminalNode) {
      return true;
    },
    false(_t: TerminalNode) {
      return false;
    },
    null(_t: TerminalNode) {
      return null;
    },
  });

  s.addOperation<Path>('path', {
    path(first: NonterminalNode, rest: IterationNode) {
      return [first.segment(), ...rest.children.map((c) => c.segment() as PathSegment)];
    },
  });

  s.addOperation<PathSegment>('segment', {
    name_plain(id: NonterminalNode) {
      return id.sourceString;
    },
    name_quoted(_l: Node, body: IterationNode, _r: Node) {
      return body.sourceString;
    },
    suffix_field(_dot: Node, n: NonterminalNode) {
      return n.segment();
    },
    suffix_index(this: NonterminalNode, _l: Node, digits: IterationNode, _r: Node) {
      const i = Number(digits.sourceString);
      if (!Number.isSafeInteger(i)) throw new QuerySyntaxError(`array index ${digits.sourceString} is too large`, column(digits));
      return i;
    },
    suffix_quoted(_l: Node, s: NonterminalNode, _r: Node) {
      return s.literal() as string;
    },
  });
  return s;
}

/** Failure texts from Ohm, shortened to what a person reads: "a field name" covers its letters. */
function expectedText(failures: readonly { type: string; getText(): string }[]): string {
  const out: string[] = [];
  const add = (t: string): void => {
    if (!out.includes(t)) out.push(t);
  };
  const hasValue = failures.some((f) => f.getText().startsWith('a value'));
  for (const f of failures) {
    const raw = f.getText();
    if (f.type === 'string' && (raw === '$' || raw === '_')) continue;
    if (raw === 'a letter' || raw === 'not a keyword' || (raw === 'a digit' && hasValue)) continue;
    if (FUNCTIONS.includes(raw)) add('a function');
    else if (raw === 'end of input') add('the end of the query');
    else add(f.type === 'string' ? JSON.stringify(raw) : raw.replace(' (case-insensitive)', ''));
  }
  if (out.includes('a field name') && out.includes('a function')) {
    // Where a condition may start, say so rather than listing what may start one.
    const rest = out.filter((t) => t !== 'a field name' && t !== 'a function' && t !== '"("' && t !== '"not"');
    out.splice(0, out.length, 'a condition (a field name, not, ( or a function)', ...rest);
  }
  if (out.some((t) => t.startsWith('an operator'))) {
    // After a field path: the operator list already names `in` and `not in`.
    const keep = out.filter((t) => t !== '"in"' && t !== '"not"' && t !== '"("');
    out.splice(0, out.length, ...keep);
  }
  return out.length > 1 ? `${out.slice(0, -1).join(', ')} or ${out[out.length - 1]}` : (out[0] ?? 'something else');
}

function found(text: string, at: number): string {
  if (at >= text.length) return 'the end of the query';
  const rest = text.slice(at);
  const word = /^[\p{L}\p{N}_$]+/u.exec(rest)?.[0] ?? rest[0];
  return JSON.stringify(word.length > 20 ? `${word.slice(0, 20)}…` : word);
}

/**
 * Parses query text (docs/QUERIES.md is the reference). O(length of the text).
 * Throws {@link QuerySyntaxError} (one line, with the 1-based column) when it does not parse.
 */
export function parseQuery(text: string): Query {
  if (typeof text !== 'string') throw new QuerySyntaxError(`a query is text (got ${text === null ? 'null' : typeof text})`, 1);
  if (text.length > MAX_QUERY_LENGTH) throw new QuerySyntaxError(`the query is ${text.length} characters long; the longest accepted is ${MAX_QUERY_LENGTH}`, MAX_QUERY_LENGTH + 1);
  if (text.trim() === '') throw new QuerySyntaxError('the query is empty; write a condition such as status = "pending"', 1);
  let result: ReturnType<ReturnType<typeof queryGrammar>['match']>;
  let query: Query | undefined;
  try {
    const toQuery = querySemantics();
    result = queryGrammar().match(text);
    if (result.succeeded()) query = toQuery(result).query() as Query;
  } catch (e) {
    // Ohm and the tree walk recurse once per nesting level and per `and`/`or` term.
    if (e instanceof RangeError) throw new QuerySyntaxError('the query nests too deeply (too many parentheses, nots, ands or ors) to be read', 1);
    throw e;
  }
  if (query !== undefined) return query;
  if (result.failed()) {
    const at = result.getRightmostFailurePosition();
    // getRightmostFailures is public in Ohm's docs but missing from its typings.
    const failures = (result as unknown as { getRightmostFailures(): { type: string; getText(): string }[] }).getRightmostFailures();
    throw new QuerySyntaxError(`expected ${expectedText(failures)}, found ${found(text, at)}`, at + 1);
  }
  throw new QuerySyntaxError('the query could not be read', 1);
}
