import type { ReactNode } from 'react';
import type { TopicMessage, TopicSnapshot, WorldSnapshot } from '../../machines/kernel/types';
import { Panel } from './Panel';

/**
 * The broker's log per partition. Deliveries above one are the first sign of at-least-once
 * delivery, so they are shown large; the group's committed offset sits between the messages it
 * has and has not acknowledged.
 */
export function TopicPanel({ snapshot }: { snapshot: WorldSnapshot | undefined }) {
  return (
    <Panel title="Broker topics" testId="topic-panel">
      {!snapshot || snapshot.topics.length === 0 ? (
        <p className="text-muted">No topics in this run.</p>
      ) : (
        <div className="space-y-4">
          {snapshot.topics.map((topic) => (
            <Topic key={topic.topic} topic={topic} />
          ))}
        </div>
      )}
    </Panel>
  );
}

function Topic({ topic }: { topic: TopicSnapshot }) {
  const partitions = Array.from({ length: Math.max(1, topic.partitions) }, (_, p) => p);
  return (
    <div>
      <h3 className="mb-1 font-mono text-sm font-semibold">
        {topic.topic}{' '}
        <span className="font-sans font-normal text-muted">
          · {topic.messages.length} message{topic.messages.length === 1 ? '' : 's'}
        </span>
      </h3>
      <div className="grid gap-2 sm:grid-cols-2">
        {partitions.map((p) => (
          <Partition key={p} partition={p} messages={topic.messages.filter((m) => m.partition === p)} committed={topic.committed[p] ?? 0} />
        ))}
      </div>
    </div>
  );
}

function Partition({ partition, messages, committed }: { partition: number; messages: TopicMessage[]; committed: number }) {
  const sorted = [...messages].sort((a, b) => a.offset - b.offset);
  const marker = (
    <li key="committed" className="my-0.5 flex items-center gap-1 text-xs font-semibold text-accent" data-testid={`committed-p${partition}`}>
      <span aria-hidden="true">▶</span> committed offset {committed}
      <span className="font-normal text-muted">(next to read)</span>
    </li>
  );
  const items: ReactNode[] = [];
  let placed = false;
  for (const message of sorted) {
    if (!placed && message.offset >= committed) {
      items.push(marker);
      placed = true;
    }
    items.push(<MessageRow key={`m-${message.offset}`} message={message} />);
  }
  if (!placed) items.push(marker);
  return (
    <div className="rounded-md border border-line p-2">
      <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">Partition {partition}</p>
      <ol className="space-y-0.5">{items}</ol>
    </div>
  );
}

function MessageRow({ message }: { message: TopicMessage }) {
  const repeated = message.deliveries > 1;
  return (
    <li
      className={`flex flex-wrap items-center gap-x-2 rounded px-1 font-mono text-sm ${repeated ? 'bg-hl' : ''}`}
      data-testid={`message-p${message.partition}-${message.offset}`}
    >
      <span className="text-muted">@{message.offset}</span>
      {message.control ? (
        // A transaction marker takes an offset but no consumer is ever handed it.
        <span>{message.eventType} marker</span>
      ) : (
        <span>
          {message.eventType} #{message.orderId}
        </span>
      )}
      <span className="text-xs text-muted">{message.eventId}</span>
      {message.transaction && !message.control ? <span className="text-xs text-muted">({message.transaction.state})</span> : null}
      {message.control ? null : repeated ? (
        <span className="ml-auto rounded border-2 border-warn px-1.5 font-sans text-sm font-extrabold text-warn">
          ×{message.deliveries} delivered
        </span>
      ) : (
        <span className="ml-auto font-sans text-xs text-muted">
          {message.deliveries === 0 ? 'not delivered yet' : 'delivered once'}
        </span>
      )}
    </li>
  );
}
