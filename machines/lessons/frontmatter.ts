/**
 * What a lesson says about itself at the top of its MDX file. Validated, so a typo in a docs
 * author's front matter fails the build and the check with the file and the field named, instead
 * of a lesson listed with no duration.
 */
import { z } from 'zod';

export const LESSON_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type LessonLevel = (typeof LESSON_LEVELS)[number];

export const lessonFrontmatterSchema = z
  .object({
    title: z.string().trim().min(1).max(90),
    summary: z.string().trim().min(1).max(280),
    /** Reading and playing time, whole minutes. */
    minutes: z.number().int().min(1).max(90),
    level: z.enum(LESSON_LEVELS),
    /** Place on the path: lower first; two lessons may not share one. */
    order: z.number().int().min(1).max(999),
  })
  .strict();

export type LessonFrontmatter = z.infer<typeof lessonFrontmatterSchema>;

/** Each problem as `field: message`, the way a lesson author reads it. */
export function frontmatterProblems(data: unknown): { frontmatter: LessonFrontmatter | null; problems: string[] } {
  const parsed = lessonFrontmatterSchema.safeParse(data);
  if (parsed.success) return { frontmatter: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') return `front matter has unknown field(s) ${issue.keys.join(', ')} (known: ${Object.keys(lessonFrontmatterSchema.shape).join(', ')})`;
    return `front matter field ${field || '(root)'}: ${issue.message}`;
  });
  return { frontmatter: null, problems };
}
