"""`manage.py bench`: the benchmark of the doors, the flag scan and the ingest on a large world.

- `data`: the data set, written with set-based SQL into a throwaway database;
- `doors`: gunicorn, and timing each page or endpoint cold and warm, and the API ingest;
- `jobs`: what runs inside the app against that database (the scans, the CSV import);
- `raw`: hand-written SQL for the same core figures, the yardstick;
- `report`: the Markdown tables;
- `run`: the whole run, from creating the database to dropping it.
"""
