/** Inline SVG icons (no icon font, no remote assets: CSP-safe). 16px stroke icons. */
import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      {children}
    </svg>
  );
}

export const IconOpen = (p: IconProps) => (
  <Svg {...p}>
    <path d="M1.75 4.25v8a1 1 0 0 0 1 1h10.5a1 1 0 0 0 1-1v-6.5a1 1 0 0 0-1-1H8L6.5 3.25H2.75a1 1 0 0 0-1 1z" />
  </Svg>
);
export const IconOverview = (p: IconProps) => (
  <Svg {...p}>
    <rect x="1.75" y="1.75" width="5" height="5" rx="1" />
    <rect x="9.25" y="1.75" width="5" height="5" rx="1" />
    <rect x="1.75" y="9.25" width="5" height="5" rx="1" />
    <path d="M9.25 14.25v-3M11.75 14.25v-5M14.25 14.25v-2" />
  </Svg>
);
export const IconRecords = (p: IconProps) => (
  <Svg {...p}>
    <path d="M1.75 3.25h12.5M1.75 6.5h12.5M1.75 9.75h12.5M1.75 13h12.5" />
    <path d="M5.5 1.75v12.5" opacity="0.55" />
  </Svg>
);
export const IconTree = (p: IconProps) => (
  <Svg {...p}>
    <rect x="5.75" y="1.5" width="4.5" height="3" rx="0.75" />
    <rect x="1.25" y="11.5" width="4.5" height="3" rx="0.75" />
    <rect x="10.25" y="11.5" width="4.5" height="3" rx="0.75" />
    <path d="M8 4.5v3M3.5 11.5V9.25a1 1 0 0 1 1-1h7a1 1 0 0 1 1 1v2.25" />
  </Svg>
);
export const IconSun = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="3" />
    <path d="M8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3.05 3.05l1.06 1.06M11.89 11.89l1.06 1.06M3.05 12.95l1.06-1.06M11.89 4.11l1.06-1.06" />
  </Svg>
);
export const IconMoon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M13.5 9.5A5.75 5.75 0 0 1 6.5 2.5a5.75 5.75 0 1 0 7 7z" />
  </Svg>
);
export const IconMonitor = (p: IconProps) => (
  <Svg {...p}>
    <rect x="1.75" y="2.25" width="12.5" height="8.5" rx="1" />
    <path d="M5.5 13.75h5M8 10.75v3" />
  </Svg>
);
export const IconCopy = (p: IconProps) => (
  <Svg {...p}>
    <rect x="5.25" y="5.25" width="8.5" height="8.5" rx="1.25" />
    <path d="M10.75 5.25V3.5a1.25 1.25 0 0 0-1.25-1.25h-6A1.25 1.25 0 0 0 2.25 3.5v6a1.25 1.25 0 0 0 1.25 1.25h1.75" />
  </Svg>
);
export const IconCheck = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3 8.5l3.25 3.25L13 5" />
  </Svg>
);
export const IconSearch = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5l3.75 3.75" />
  </Svg>
);
export const IconX = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Svg>
);
export const IconChevronRight = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6 3.5L10.5 8 6 12.5" />
  </Svg>
);
export const IconChevronDown = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3.5 6L8 10.5 12.5 6" />
  </Svg>
);
export const IconDownload = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 2v8.5M4.5 7L8 10.5 11.5 7M2.5 13.75h11" />
  </Svg>
);
export const IconRefresh = (p: IconProps) => (
  <Svg {...p}>
    <path d="M13.25 8A5.25 5.25 0 1 1 11.7 4.3M13.25 2.25v3h-3" />
  </Svg>
);
export const IconLock = (p: IconProps) => (
  <Svg {...p}>
    <rect x="3" y="7" width="10" height="7" rx="1.25" />
    <path d="M5.25 7V5a2.75 2.75 0 0 1 5.5 0v2" />
  </Svg>
);
export const IconAlert = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 1.75L14.75 13.5H1.25z" />
    <path d="M8 6.25v3.25M8 11.6v.15" />
  </Svg>
);
export const IconZoomIn = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5l3.75 3.75M5 7h4M7 5v4" />
  </Svg>
);
export const IconZoomOut = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5l3.75 3.75M5 7h4" />
  </Svg>
);
export const IconFit = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2 5.5V2h3.5M10.5 2H14v3.5M14 10.5V14h-3.5M5.5 14H2v-3.5" />
  </Svg>
);
export const IconSort = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5 2.5v11M2.5 11L5 13.5 7.5 11M11 13.5v-11M8.5 5L11 2.5 13.5 5" />
  </Svg>
);
export const IconLink = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6.75 9.25a3 3 0 0 0 4.24 0l2.12-2.12a3 3 0 0 0-4.24-4.24l-.7.7M9.25 6.75a3 3 0 0 0-4.24 0L2.89 8.87a3 3 0 0 0 4.24 4.24l.7-.7" />
  </Svg>
);
export const IconFile = (p: IconProps) => (
  <Svg {...p}>
    <path d="M9.25 1.75H4a1.25 1.25 0 0 0-1.25 1.25v10A1.25 1.25 0 0 0 4 14.25h8A1.25 1.25 0 0 0 13.25 13V5.75z" />
    <path d="M9.25 1.75v4h4" />
  </Svg>
);
export const IconDatabase = (p: IconProps) => (
  <Svg {...p}>
    <ellipse cx="8" cy="3.5" rx="5.5" ry="1.75" />
    <path d="M2.5 3.5v9c0 .97 2.46 1.75 5.5 1.75s5.5-.78 5.5-1.75v-9M2.5 8c0 .97 2.46 1.75 5.5 1.75S13.5 8.97 13.5 8" />
  </Svg>
);
export const IconPlay = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4.5 2.75v10.5L13 8z" />
  </Svg>
);
export const IconCrosshair = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="5" />
    <path d="M8 1v3M8 12v3M1 8h3M12 8h3" />
  </Svg>
);
export const IconLayers = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 1.75L14.25 5 8 8.25 1.75 5z" />
    <path d="M1.75 8L8 11.25 14.25 8M1.75 11L8 14.25 14.25 11" />
  </Svg>
);

/** The app mark: a thunderhead cloud over a tree's branches. */
export const LogoMark = ({ size = 20 }: { size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d="M6.5 13.5a4 4 0 0 1 .6-7.95A5.5 5.5 0 0 1 17.6 6.6a3.5 3.5 0 0 1-.1 6.9z" fill="var(--accent)" opacity="0.9" />
    <path d="M12.5 11.5l-2.5 4.25h2.5L11 20.5l4.5-6h-2.75l1.75-3z" fill="var(--warn)" />
  </svg>
);
