import { notFound } from 'next/navigation';
import { BootBench } from './BootBench';

/**
 * The boot benchmark's bare page is for bench/run.ts, not for readers: it exists only in a build
 * made with BENCH=1 (which `npm run bench` makes); the public build renders the site's 404 here.
 * The variable is read at build time, when the page is prerendered.
 */
export default function BootBenchPage() {
  if (process.env.BENCH !== '1') notFound();
  return <BootBench />;
}
