/** SVG defs the arrows refer to by id: the arrowheads (normal and failed) and the fault hatch. */
export function SequenceMarkers() {
  return (
    <defs>
      <marker id="seq-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
        <path d="M0,0 L10,5 L0,10 z" fill="var(--arrow)" />
      </marker>
      <marker id="seq-head-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
        <path d="M0,0 L10,5 L0,10 z" fill="var(--bad)" />
      </marker>
      <pattern id="seq-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="2.5" height="6" fill="var(--bad)" opacity="0.45" />
      </pattern>
    </defs>
  );
}
