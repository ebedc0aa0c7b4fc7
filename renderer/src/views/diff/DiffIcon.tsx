/** The Diff nav icon: two columns with a minus and a plus (16px stroke, like Icons.tsx). */
import type { SVGProps } from 'react';

export function DiffIcon({ size = 16, ...rest }: SVGProps<SVGSVGElement> & { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      <rect x="1.5" y="2" width="5.5" height="12" rx="1" />
      <rect x="9" y="2" width="5.5" height="12" rx="1" />
      <path d="M3 8h2.5M10.5 8h2.5M11.75 6.75v2.5" />
    </svg>
  );
}
