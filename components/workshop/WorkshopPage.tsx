'use client';

import { useEffect, useState } from 'react';
import { agendaToSearch } from '../../machines/workshop/agenda';
import { BUTTON, BUTTON_PRIMARY } from '../lab/buttonStyles';
import { UrlProblems } from '../lab/UrlProblems';
import { AgendaEditor, type LessonChoice } from './AgendaEditor';
import { Handout } from './Handout';
import { PRESENTER_KEYS, Presenter } from './Presenter';
import { useAgendaUrl } from './useAgendaUrl';

export type { LessonChoice };

/**
 * The workshop page: assemble an agenda (held in the address), share it as one link, print it as
 * a handout, and present it run by run. It only renders and writes the address; the runs are the
 * figures' own.
 */
export function WorkshopPage({ lessons }: { lessons: LessonChoice[] }) {
  const { agenda, setAgenda, problems, dismissProblems } = useAgendaUrl();
  const [origin, setOrigin] = useState('');
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => setOrigin(window.location.origin), []);

  const overview = { ...agenda, presenting: null };
  const agendaUrl = `${origin}/workshop/${agendaToSearch(overview)}`;
  const present = (index: number | null, mode: 'push' | 'replace' = 'replace') => setAgenda({ ...agenda, presenting: index }, mode);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(agendaUrl);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <>
      <div className="mx-auto max-w-4xl px-4 py-8 print:hidden sm:py-10">
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Workshop</h1>
        <p className="mt-3 text-lg text-muted">
          Put runs in the order you want to show them. The whole agenda is held in this page&apos;s address: share it, and everyone who opens it gets the same seeded
          runs. Present it on a projector: each run is drawn large, and its outcome stays hidden until you reveal it, so the room predicts first.
        </p>
        {problems.length > 0 && (
          <div className="mt-4">
            <UrlProblems problems={problems} onDismiss={dismissProblems} />
          </div>
        )}
        <div className="mt-6">
          <AgendaEditor agenda={agenda} onChange={(next) => setAgenda(next)} lessons={lessons} />
        </div>
        <div className="mt-6 flex flex-wrap items-center gap-2" data-testid="agenda-actions">
          <button type="button" className={BUTTON_PRIMARY} disabled={agenda.items.length === 0} onClick={() => present(0, 'push')} data-testid="start-presenting">
            ▶ Present
          </button>
          <button type="button" className={BUTTON} disabled={agenda.items.length === 0} onClick={copy} data-testid="copy-agenda">
            Copy agenda link
          </button>
          <button type="button" className={BUTTON} disabled={agenda.items.length === 0} onClick={() => window.print()}>
            Print handout
          </button>
          <span role="status" className="text-sm text-muted">
            {copied === 'copied' ? 'Copied.' : copied === 'failed' ? 'Could not copy; the address bar holds the same link.' : ''}
          </span>
        </div>
        <section className="mt-8" aria-labelledby="presenter-keys">
          <h2 id="presenter-keys" className="text-xl font-semibold">
            Keys while presenting
          </h2>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            {PRESENTER_KEYS.map(([keys, meaning]) => (
              <div key={keys} className="contents">
                <dt>
                  <kbd className="font-mono">{keys}</kbd>
                </dt>
                <dd className="text-muted">{meaning}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-2 text-sm text-muted">A presentation clicker sends PageDown and PageUp, so it moves from run to run. Back in the browser leaves the presentation.</p>
        </section>
      </div>
      <Handout title={agenda.title} items={agenda.items} origin={origin} agendaUrl={agendaUrl} />
      {agenda.presenting !== null && agenda.items.length > 0 && (
        <Presenter
          items={agenda.items}
          index={Math.min(agenda.presenting, agenda.items.length - 1)}
          title={agenda.title}
          onGo={(index) => present(index)}
          onExit={() => present(null)}
        />
      )}
    </>
  );
}
