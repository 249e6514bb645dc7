'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { connectToLab, type LabConnection } from '../../machines/browser/lab-connection';
import type { BootPhase, PageToWorker, WorkerToPage } from '../../machines/browser/protocol';
import type { FaultSite, RunResult, Scenario } from '../../machines/kernel/types';

export type BootState =
  | { status: 'booting'; phase: BootPhase; message: string; fraction: number }
  | { status: 'ready'; bootMs: number; boots: number; instance: string; shared: boolean }
  | { status: 'fatal'; message: string };

export interface RunState {
  /** The newest result received; kept while a re-run is under way so the views never blank out. */
  result: RunResult | null;
  sites: FaultSite[];
  elapsedMs: number | null;
  /** The scenario key the result belongs to. */
  resultKey: string | null;
  /** A run for the current scenario is under way. */
  running: boolean;
  /** False while `result` is only the first step's preview: no verdict yet, more steps to come. */
  complete: boolean;
  error: string | null;
}

const INITIAL_BOOT: BootState = { status: 'booting', phase: 'loading', message: 'Starting the simulation worker…', fraction: 0 };
const INITIAL_RUN: RunState = { result: null, sites: [], elapsedMs: null, resultKey: null, running: false, complete: false, error: null };

/**
 * Owns this page's connection to the simulation worker (shared by every figure of the origin
 * where the browser allows it), sends the scenario whenever it changes, and keeps only the answer
 * to the newest request (older answers arrive late when someone clicks fast). With `previewWanted`
 * (the reader opened the run at its start) the first answer comes as a one-step preview first.
 */
export function useLabWorker(scenario: Scenario, previewWanted = false) {
  const key = JSON.stringify(scenario);
  const [boot, setBoot] = useState<BootState>(INITIAL_BOOT);
  const [run, setRun] = useState<RunState>(INITIAL_RUN);
  const [generation, setGeneration] = useState(0);
  const workerRef = useRef<LabConnection | null>(null);
  const latestRequest = useRef(0);
  const requestKeys = useRef(new Map<number, string>());
  // Only while nothing is shown yet: a preview of a re-run would jump a reader at step 12 back to 1.
  const hasResult = useRef(false);
  const previewRef = useRef(previewWanted);
  useEffect(() => {
    previewRef.current = previewWanted;
  }, [previewWanted]);

  useEffect(() => {
    const onMessage = (message: WorkerToPage) => {
      switch (message.type) {
        case 'progress':
          setBoot({ status: 'booting', phase: message.phase, message: message.message, fraction: message.fraction });
          break;
        case 'ready':
          setBoot({ status: 'ready', bootMs: message.bootMs, boots: message.boots, instance: message.instance, shared: message.shared });
          break;
        case 'fatal':
          setBoot({ status: 'fatal', message: message.message });
          break;
        case 'preview':
          if (message.requestId !== latestRequest.current) break;
          hasResult.current = true;
          setRun({
            result: message.result,
            sites: message.sites,
            elapsedMs: null,
            resultKey: requestKeys.current.get(message.requestId) ?? null,
            running: true,
            complete: false,
            error: null,
          });
          break;
        case 'result':
          if (message.requestId !== latestRequest.current) break;
          hasResult.current = true;
          setRun({
            result: message.result,
            sites: message.sites,
            elapsedMs: message.elapsedMs,
            resultKey: requestKeys.current.get(message.requestId) ?? null,
            running: false,
            complete: true,
            error: null,
          });
          break;
        case 'error':
          if (message.requestId !== latestRequest.current) break;
          setRun((prev) => ({ ...prev, running: false, error: message.message }));
          break;
      }
    };
    let worker: LabConnection;
    try {
      worker = connectToLab({ onMessage, onError: (message) => setBoot({ status: 'fatal', message }) });
    } catch (error) {
      setBoot({ status: 'fatal', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    workerRef.current = worker;
    return () => {
      worker.close();
      workerRef.current = null;
    };
  }, [generation]);

  // Sent at once, not after `ready`: the worker holds it until Postgres is up and runs it then,
  // so the first step does not wait for a round trip through a page busy hydrating.
  useEffect(() => {
    const worker = workerRef.current;
    if (!worker) return;
    const requestId = latestRequest.current + 1;
    latestRequest.current = requestId;
    requestKeys.current.set(requestId, key);
    setRun((prev) => ({ ...prev, running: true, error: null }));
    const preview = previewRef.current && !hasResult.current;
    const message: PageToWorker = { type: 'run', requestId, scenario: JSON.parse(key) as Scenario, ...(preview ? { preview } : {}) };
    worker.send(message);
  }, [key, generation]);

  const retry = useCallback(() => {
    hasResult.current = false;
    setBoot(INITIAL_BOOT);
    setRun(INITIAL_RUN);
    setGeneration((g) => g + 1);
  }, []);

  return { boot, run, scenarioKey: key, retry };
}
