"""The SOP monitoring forms (Permenpan RB 35/2012, Tabel 7) and yearly evaluations."""
