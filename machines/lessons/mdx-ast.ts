/**
 * The few shapes of the MDX syntax tree (mdast + mdx-jsx) the lesson checks read, typed locally
 * so this folder depends on the parser's output rather than on its type packages.
 */
export interface Point {
  line: number;
}

export interface MdNode {
  type: string;
  position?: { start: Point };
  children?: MdNode[];
  value?: string;
  url?: string;
  depth?: number;
}

/** Estree of an attribute expression such as `{["a", "b"]}` (attached by remark-mdx). */
export interface EstreeNode {
  type: string;
  body?: EstreeNode[];
  expression?: EstreeNode;
  elements?: (EstreeNode | null)[];
  value?: unknown;
  operator?: string;
  argument?: EstreeNode;
}

export interface JsxAttribute {
  type: 'mdxJsxAttribute' | 'mdxJsxExpressionAttribute';
  name?: string;
  value?: string | null | { type: 'mdxJsxAttributeValueExpression'; value: string; data?: { estree?: EstreeNode } };
}

export interface JsxElement extends MdNode {
  type: 'mdxJsxFlowElement' | 'mdxJsxTextElement';
  name: string | null;
  attributes: JsxAttribute[];
}

export function isJsxElement(node: MdNode, name?: string): node is JsxElement {
  return (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && (name === undefined || (node as JsxElement).name === name);
}

/** Every node, depth first, in document order. */
export function* walk(node: MdNode): Generator<MdNode> {
  yield node;
  for (const child of node.children ?? []) yield* walk(child);
}

export function lineOf(node: MdNode): number | null {
  return node.position?.start.line ?? null;
}

/** The plain text under a node (a heading's words). */
export function textOf(node: MdNode): string {
  if (typeof node.value === 'string') return node.value;
  return (node.children ?? []).map(textOf).join('');
}

/** The literal value of an expression attribute, or undefined when it is not a plain literal. */
export function literalOf(expression: EstreeNode | undefined): unknown {
  const statement = expression?.type === 'Program' ? expression.body?.[0] : undefined;
  const node = statement?.type === 'ExpressionStatement' ? statement.expression : undefined;
  return literalValue(node);
}

function literalValue(node: EstreeNode | undefined): unknown {
  if (!node) return undefined;
  if (node.type === 'Literal') return node.value;
  if (node.type === 'ArrayExpression') {
    const values = (node.elements ?? []).map((element) => (element ? literalValue(element) : undefined));
    return values.some((v) => v === undefined) ? undefined : values;
  }
  return undefined;
}
