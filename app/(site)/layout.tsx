import type { ReactNode } from 'react';
import { SiteHeader } from '../../components/ui/SiteHeader';

/** The site's pages share a header; embedded figures (app/embed) do not. */
export default function SiteLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <SiteHeader />
      <main id="main">{children}</main>
    </>
  );
}
