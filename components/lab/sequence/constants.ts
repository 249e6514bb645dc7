/**
 * Height of the sticky lifeline header that sits above the SVG inside the scroll box. The SVG's
 * coordinates start below it, so anything placed in scroll-box coordinates (menus, the SQL
 * tooltip, the visible area) adds it.
 */
export const HEADER_HEIGHT = 64;
