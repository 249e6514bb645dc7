'use client';

/**
 * Which questions of the lesson the reader has answered (or skipped). A `<Figure>` that follows a
 * `<Predict>` shares its gate id (added by machines/lessons/gates.ts) and stays hidden until then,
 * so the reader commits to a prediction before seeing the run.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

interface Gates {
  isOpen: (gate: string) => boolean;
  open: (gate: string) => void;
}

const GatesContext = createContext<Gates>({ isOpen: () => true, open: () => {} });

export function PredictionGates({ children }: { children: ReactNode }) {
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const open = useCallback((gate: string) => setOpened((prev) => (prev.has(gate) ? prev : new Set(prev).add(gate))), []);
  const value = useMemo(() => ({ isOpen: (gate: string) => opened.has(gate), open }), [opened, open]);
  return <GatesContext.Provider value={value}>{children}</GatesContext.Provider>;
}

export function useGate(gate: string | undefined): { open: boolean; reveal: () => void } {
  const gates = useContext(GatesContext);
  return { open: gate === undefined || gates.isOpen(gate), reveal: () => gate && gates.open(gate) };
}
