import { BootBench } from './BootBench';

/**
 * The boot benchmark's bare page is for bench/run.ts, not for readers: every build makes it, and
 * the build's last step moves it out of out/ (scripts/stash-bench-page.ts); the bench puts it back
 * while it measures and takes it away again.
 */
export const metadata = { robots: { index: false, follow: false } };

export default function BootBenchPage() {
  return <BootBench />;
}
