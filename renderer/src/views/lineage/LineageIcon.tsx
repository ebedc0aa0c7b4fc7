/** The Lineage nav icon: a branch forking off a line of commits (16px stroke, like Icons.tsx). */
import type { SVGProps } from 'react';

export function LineageIcon({ size = 16, ...rest }: SVGProps<SVGSVGElement> & { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      <circle cx="4.5" cy="3" r="1.5" />
      <circle cx="4.5" cy="13" r="1.5" />
      <circle cx="11.5" cy="5.5" r="1.5" />
      <path d="M4.5 4.5v7M11.5 7c0 2.5-7 2-7 4.5" />
    </svg>
  );
}
