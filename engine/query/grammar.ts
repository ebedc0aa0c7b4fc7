/**
 * The query language's grammar, in Ohm (ohm-js). Ohm was chosen over jsep and peggy because:
 * the grammar is data read at load time (no generated parser file to keep in step, unlike
 * peggy, and no `eval`); it is a PEG with the precedence written as rules (jsep is a JavaScript
 * expression parser whose operators are global, shared state, and it has no bigint literals or
 * node positions); every node carries its source interval, so semantic errors (an unknown
 * function) point at a column too; and a failure reports the rightmost position with the set of
 * expected tokens, which is what the column in our error messages is.
 *
 * Capitalised rules are syntactic (Ohm skips whitespace between their parts); lower-case ones
 * are lexical (no whitespace inside a path, a number or a string).
 */
import * as ohm from 'ohm-js';

const SOURCE = String.raw`
Query {
  Main = Or

  Or = Or or And  -- or
     | And

  And = And and Not  -- and
      | Not

  Not = not Not  -- not
      | Primary

  Primary = "(" Or ")"                                        -- paren
          | exists "(" path ")"                               -- exists
          | changed "(" path ")"                              -- changed
          | startsWith "(" path "," string ")"                -- startsWith
          | contains "(" path "," string ")"                  -- contains
          | ~keyword ~functionName ident "(" (~")" any)* ")" CallTail?  -- unknownFunction
          | path not in List                                  -- notIn
          | path in List                                      -- in
          | path compareOp Literal                            -- compare

  // Only so that "size(x) > 2" reports the unknown function rather than the ">" after it.
  CallTail = compareOp Literal  -- compare
           | not? in List       -- in

  List = "[" ListOf<Literal, ","> "]"

  Literal (a value: a string, number, true, false or null) = string | bigint | number | true | false | null

  compareOp (an operator: = != < <= > >= in, not in) = "==" | "!=" | "<>" | "<=" | ">=" | "=" | "<" | ">"

  path = name suffix*
  suffix = "." name           -- field
         | "[" digit+ "]"     -- index
         | "[" string "]"     -- quoted
  name (a field name) = ~keyword ident       -- plain
       | "\u0060" (~"\u0060" any)+ "\u0060"  -- quoted

  ident = identStart identPart*
  identStart = letter | "_" | "$"
  identPart = alnum | "_" | "$"

  keyword = (and | or | not | in | true | false | null)
  and = caseInsensitive<"and"> ~identPart
  or = caseInsensitive<"or"> ~identPart
  not = caseInsensitive<"not"> ~identPart
  in = caseInsensitive<"in"> ~identPart
  true = "true" ~identPart
  false = "false" ~identPart
  null = "null" ~identPart
  functionName = (exists | changed | startsWith | contains) ~identPart
  exists = "exists"
  changed = "changed"
  startsWith = "startsWith"
  contains = "contains"

  bigint = "-"? digit+ "n" ~identPart
  number = "-"? digit+ ("." digit+)? (("e" | "E") ("+" | "-")? digit+)? ~identPart

  string (a string in quotes) = "\"" dqChar* "\""  -- double
         | "'" sqChar* "'"    -- single
  dqChar = ~("\"" | "\\" | "\n") any  -- plain
         | escape
  sqChar = ~("'" | "\\" | "\n") any   -- plain
         | escape
  escape = "\\" ("\"" | "'" | "\\" | "/" | "b" | "f" | "n" | "r" | "t")  -- simple
         | "\\u" hexDigit hexDigit hexDigit hexDigit                        -- unicode
}
`;

let compiled: ohm.Grammar | null = null;

/** The grammar, compiled on first use (compiling takes ~100 ms: not at every program's startup). O(1) after the first call. */
export function queryGrammar(): ohm.Grammar {
  compiled ??= ohm.grammar(SOURCE);
  return compiled;
}
