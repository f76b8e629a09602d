-- q's canonical arm: a typed number that stands for a whole or leading part of an E.164 number is a
-- prefix of the stored phone ("^@", starts-with). A trigram index serves it badly: the country and
-- operator codes ("628", "281", "813") are in nearly every number, so their posting lists are the whole
-- table (about 10 ms per search at 100,000 leads). SP-GiST's text_ops answers ^@ from the index, even
-- with the prefix bound as a parameter.
CREATE INDEX lead_phone_prefix ON lead USING spgist (phone);
CREATE INDEX lead_alias_value_prefix ON lead_alias USING spgist (value);
