"""SOP monitoring (Permenpan RB 35/2012, Tabel 7) and the yearly evaluation: ``prefill`` (the
figures per procedure row from the cases), ``drills`` (the cases behind each figure),
``services`` (forms, evaluations, who assesses; audited), ``selectors``, ``sheet`` (the form as
page, PDF and XLSX show it), ``views`` and ``evaluation`` (the pages). See docs/reports.md."""
