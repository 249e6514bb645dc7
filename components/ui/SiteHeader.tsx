import Link from 'next/link';
import { ThemeToggle } from './ThemeToggle';

export function SiteHeader() {
  return (
    <header className="border-b border-line bg-surface print:hidden">
      <div className="mx-auto flex max-w-[1600px] items-center justify-between gap-4 px-4 py-2">
        <Link href="/" className="text-lg font-bold tracking-tight hover:underline">
          Dual Write Lab
        </Link>
        <ThemeToggle />
      </div>
    </header>
  );
}
