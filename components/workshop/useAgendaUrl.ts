'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { agendaToSearch, parseAgenda, type Agenda } from '../../machines/workshop/agenda';

export type AgendaState = Pick<Agenda, 'title' | 'items' | 'presenting'>;

/**
 * The agenda lives in the address, so the instructor's link is the whole workshop: every edit is
 * written back at once (replacing the entry; fifty edits should not take fifty Backs), while
 * starting and leaving the presentation push one, so Back leaves the projector view. Problems are
 * those of the link the page was opened with, kept until dismissed.
 */
export function useAgendaUrl() {
  const params = useSearchParams();
  const [opened] = useState(() => parseAgenda(new URLSearchParams(params.toString())));
  const [agenda, setAgendaState] = useState<AgendaState>(opened);
  const [problems, setProblems] = useState(opened.problems);

  useEffect(() => {
    const onPopState = () => setAgendaState(parseAgenda(new URLSearchParams(window.location.search)));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const setAgenda = useCallback((next: AgendaState, mode: 'push' | 'replace' = 'replace') => {
    const search = agendaToSearch(next);
    const url = `${window.location.pathname}${search}${window.location.hash}`;
    if (search !== window.location.search) {
      if (mode === 'push') window.history.pushState(window.history.state, '', url);
      else window.history.replaceState(window.history.state, '', url);
    }
    setAgendaState(next);
  }, []);

  // A link with bad parts is rewritten to what was kept, so copying it again shares a clean one.
  useEffect(() => {
    setAgenda(opened);
  }, [opened, setAgenda]);

  return { agenda, setAgenda, problems, dismissProblems: () => setProblems([]) };
}
