"""Publishing: feeds, sitemap, structured data and the static export."""
