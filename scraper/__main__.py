from scraper.cli import main

# Guarded: the uploader's checker process (multiprocessing "spawn") imports this module again.
if __name__ == "__main__":
    raise SystemExit(main())
