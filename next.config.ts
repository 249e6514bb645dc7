import type { NextConfig } from 'next';

// Static export: the lab is plain files, so it can be hosted anywhere (docs sites, workshops
// without a server). Trailing slashes make /patterns/<id>/ resolve to index.html on any host.
const nextConfig: NextConfig = {
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
};

export default nextConfig;
