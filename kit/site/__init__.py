"""What the site's pages show, whichever engine builds them: the names pages may use, the
sandboxed filling, the topic layout and the two browser widgets."""
