/**
 * A `<Predict>` hides the `<Figure>` that follows it until the reader has answered (or skipped):
 * the question must come before the run. Authors write the two one after the other; this pairs
 * them — the first Figure after a Predict in the same block, before any other Predict — so the
 * checker can insist every question has its figure, and the page can link the two by an id.
 */
import { isJsxElement, walk, type JsxElement, type MdNode } from './mdx-ast';

export interface Gate {
  predict: JsxElement;
  figure: JsxElement | null;
}

export function pairPredictionsWithFigures(tree: MdNode): Gate[] {
  const gates: Gate[] = [];
  for (const node of walk(tree)) {
    // A paragraph's Predict or Figure is paired by the paragraph's parent (see unwrapParagraph).
    if (node.type === 'paragraph') continue;
    let open: Gate | null = null;
    for (const child of (node.children ?? []).map(unwrapParagraph)) {
      if (isJsxElement(child, 'Predict')) {
        open = { predict: child, figure: null };
        gates.push(open);
      } else if (open && isJsxElement(child, 'Figure')) {
        open.figure = child;
        open = null;
      }
    }
  }
  return gates;
}

/** `<Predict …>text</Predict>` on one line parses as a paragraph holding the element: see through it. */
function unwrapParagraph(node: MdNode): MdNode {
  if (node.type !== 'paragraph') return node;
  return node.children?.find((c) => isJsxElement(c, 'Predict') || isJsxElement(c, 'Figure')) ?? node;
}

/** The attribute that links a Predict and its Figure on the page (added at render, never written by authors). */
export const GATE_ATTRIBUTE = 'gate';

/** A remark plugin for the page: gives each Predict and its Figure the same `gate` id. */
export function remarkGateFigures() {
  return (tree: MdNode) => {
    pairPredictionsWithFigures(tree).forEach(({ predict, figure }, index) => {
      const id = `prediction-${index + 1}`;
      predict.attributes.push({ type: 'mdxJsxAttribute', name: GATE_ATTRIBUTE, value: id });
      figure?.attributes.push({ type: 'mdxJsxAttribute', name: GATE_ATTRIBUTE, value: id });
    });
  };
}
