/**
 * How a lesson's Markdown looks: plain elements with the site's palette (the site has no
 * typography plugin), plus the two lesson components an author writes in MDX.
 */
import type { ComponentPropsWithoutRef } from 'react';
import { Figure } from './Figure';
import { Predict } from './Predict';

export const LESSON_COMPONENTS = {
  h2: (props: ComponentPropsWithoutRef<'h2'>) => <h2 className="mt-10 mb-3 text-2xl font-bold" {...props} />,
  h3: (props: ComponentPropsWithoutRef<'h3'>) => <h3 className="mt-6 mb-2 text-xl font-semibold" {...props} />,
  p: (props: ComponentPropsWithoutRef<'p'>) => <p className="my-3 leading-relaxed" {...props} />,
  ul: (props: ComponentPropsWithoutRef<'ul'>) => <ul className="my-3 list-disc space-y-1 pl-6" {...props} />,
  ol: (props: ComponentPropsWithoutRef<'ol'>) => <ol className="my-3 list-decimal space-y-1 pl-6" {...props} />,
  a: (props: ComponentPropsWithoutRef<'a'>) => <a className="text-accent underline" {...props} />,
  code: (props: ComponentPropsWithoutRef<'code'>) => <code className="rounded bg-surface-2 px-1 py-0.5 font-mono text-[0.9em]" {...props} />,
  Figure,
  Predict,
};
