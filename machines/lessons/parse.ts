/**
 * A lesson file read as data: its front matter, its figures (each a validated scenario with the
 * outcome it expects), its questions and its links to /compare. Uses the MDX parser itself, so
 * what is checked is exactly what the page renders. Every problem names the file and the part.
 */
import { createProcessor } from '@mdx-js/mdx';
import remarkFrontmatter from 'remark-frontmatter';
import { parse as parseYaml } from 'yaml';
import { compareRowAnchor } from '../compare/anchors';
import { findPattern } from '../patterns/catalog';
import { figureFromAttributes, type LessonFigure } from './figure';
import { frontmatterProblems, type LessonFrontmatter } from './frontmatter';
import { pairPredictionsWithFigures } from './gates';
import { isJsxElement, lineOf, literalOf, textOf, walk, type JsxElement, type MdNode } from './mdx-ast';

export interface Lesson {
  /** The path it was read from, as given (messages use it). */
  file: string;
  /** The URL part: the file name without its number prefix and extension. */
  slug: string;
  frontmatter: LessonFrontmatter;
  figures: LessonFigure[];
  questions: number;
  /** `/compare/#row-…` links, in order. */
  compareLinks: string[];
}

export class LessonError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((problem) => `${file}: ${problem}`).join('\n'));
    this.name = 'LessonError';
  }
}

/** The heading every lesson ends with: when to choose the pattern and what it costs to run. */
export const CLOSING_HEADING = /^when to choose it/i;
const COMPARE_ROW = /^\/compare\/#row-(.+)--(.+)$/;

export function slugOf(file: string): string {
  const name = file.split('/').pop() ?? file;
  return name.replace(/\.mdx$/, '').replace(/^\d+-/, '');
}

const processor = createProcessor({ remarkPlugins: [remarkFrontmatter] });

/** Parses one lesson; throws a LessonError listing every problem found. */
export function parseLesson(file: string, source: string): Lesson {
  const problems: string[] = [];
  let tree: MdNode;
  try {
    tree = processor.parse(source) as unknown as MdNode;
  } catch (error) {
    throw new LessonError(file, [`is not valid MDX: ${error instanceof Error ? error.message : String(error)}`]);
  }

  const frontmatter = readFrontmatter(tree, problems);
  const figures = readFigures(tree, problems);
  const questions = readQuestions(tree, problems);
  const compareLinks = readCompareLinks(tree, problems);
  const headings = [...walk(tree)].filter((n) => n.type === 'heading').map(textOf);
  if (!headings.some((h) => CLOSING_HEADING.test(h.trim()))) problems.push('has no heading "When to choose it …" (every lesson ends with when to choose the pattern and what it costs to operate)');
  if ([...walk(tree)].every((n) => !isJsxElement(n, 'Figure'))) problems.push('has no <Figure>: every lesson runs at least one scenario');

  if (problems.length > 0 || !frontmatter) throw new LessonError(file, problems);
  return { file, slug: slugOf(file), frontmatter, figures, questions, compareLinks };
}

function readFrontmatter(tree: MdNode, problems: string[]): LessonFrontmatter | null {
  const yamlNode = tree.children?.find((n) => n.type === 'yaml');
  if (!yamlNode) {
    problems.push('has no front matter (--- title, summary, minutes, level, order ---)');
    return null;
  }
  let data: unknown;
  try {
    data = parseYaml(yamlNode.value ?? '');
  } catch (error) {
    problems.push(`front matter is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return null;
  }
  const result = frontmatterProblems(data);
  problems.push(...result.problems);
  return result.frontmatter;
}

/** Each attribute as literal text; expressions and spreads are problems (the checker cannot evaluate them). */
function literalAttributes(element: JsxElement, label: string, problems: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const attribute of element.attributes) {
    if (attribute.type !== 'mdxJsxAttribute' || !attribute.name) {
      problems.push(`${label}: has a spread attribute {…}; write each attribute as name="text"`);
    } else if (typeof attribute.value === 'string') {
      attributes[attribute.name] = attribute.value;
    } else if (attribute.value == null) {
      problems.push(`${label}: attribute ${attribute.name} has no value; write ${attribute.name}="…"`);
    } else {
      problems.push(`${label}: attribute ${attribute.name} is an expression {${attribute.value.value}}; write it as a literal string, ${attribute.name}="…"`);
    }
  }
  return attributes;
}

function readFigures(tree: MdNode, problems: string[]): LessonFigure[] {
  const figures: LessonFigure[] = [];
  const elements = [...walk(tree)].filter((n): n is JsxElement => isJsxElement(n, 'Figure'));
  elements.forEach((element, i) => {
    const line = lineOf(element);
    const label = `figure ${i + 1}${line ? ` (line ${line})` : ''}`;
    const own: string[] = [];
    const attributes = literalAttributes(element, label, own);
    // A figure with an expression attribute is reported for that alone, not also as "missing" it.
    const figure = own.length === 0 ? figureFromAttributes(attributes, i + 1, line) : null;
    if (figure && 'problems' in figure) own.push(...figure.problems.map((p) => `${label}: ${p}`));
    else if (figure) figures.push(figure);
    problems.push(...own);
  });
  return figures;
}

function readQuestions(tree: MdNode, problems: string[]): number {
  const gates = pairPredictionsWithFigures(tree);
  gates.forEach(({ predict, figure }, i) => {
    const line = lineOf(predict);
    const label = `question ${i + 1}${line ? ` (line ${line})` : ''}`;
    const question = predict.attributes.find((a) => a.name === 'question');
    if (typeof question?.value !== 'string' || !question.value.trim()) problems.push(`${label}: missing question="…"`);
    const choices = expressionLiteral(predict, 'choices');
    const answer = expressionLiteral(predict, 'answer');
    const choiceList = Array.isArray(choices) && choices.length >= 2 && choices.every((c) => typeof c === 'string' && c.trim() !== '') ? choices : null;
    if (!choiceList) problems.push(`${label}: choices must be a list of at least two strings, like choices={["…", "…"]}`);
    if (typeof answer !== 'number' || !Number.isInteger(answer) || answer < 0 || (choiceList && answer >= choiceList.length))
      problems.push(`${label}: answer must be the 0-based index of the right choice, like answer={1}`);
    if (!figure) problems.push(`${label}: no <Figure> follows it (the question hides the figure after it until the reader answers)`);
  });
  return gates.length;
}

function expressionLiteral(element: JsxElement, name: string): unknown {
  const value = element.attributes.find((a) => a.name === name)?.value;
  return value && typeof value === 'object' ? literalOf(value.data?.estree) : undefined;
}

function readCompareLinks(tree: MdNode, problems: string[]): string[] {
  const links: string[] = [];
  for (const node of walk(tree)) {
    if (node.type !== 'link' || !node.url?.startsWith('/compare/#row-')) continue;
    const match = COMPARE_ROW.exec(node.url);
    const info = match ? findPattern(match[1]!) : undefined;
    const known = info && match ? info.variants.some((v) => compareRowAnchor(info.id, v.id) === `row-${match[1]}--${match[2]}`) : false;
    if (!known) problems.push(`link ${node.url}${lineOf(node) ? ` (line ${lineOf(node)})` : ''} names no row of /compare (write /compare/#row-<pattern>--<variant>)`);
    else links.push(node.url);
  }
  if (links.length === 0) problems.push('links to no /compare/#row-<pattern>--<variant> row');
  return links;
}
