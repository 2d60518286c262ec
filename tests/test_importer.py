"""bot.importer: CSV/JSON imports into a real in-memory store, all or nothing, with line-exact errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import InvalidInput
from bot.importer import ImportReport, RowError, import_bytes, import_file
from bot.store import Store, SyncStatus

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
IMPORT_ORDER = [("creditor", "creditor.csv"), ("article", "articles.csv"), ("debtor", "debtors.csv"),
                ("order", "orders.csv"), ("orderrow", "orderrows.csv")]


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


@pytest.fixture
def loaded(store: Store) -> Store:
    for record_type, name in IMPORT_ORDER:
        assert import_file(store, record_type, EXAMPLES / name).ok
    return store


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def errors(report: ImportReport) -> list[tuple[int, str | None, str]]:
    return [(error.line, error.field, error.message) for error in report.errors]


def snapshot(store: Store) -> dict[str, list[dict]]:
    return {table: store.rows(table, order_by="id")
            for table in ("article", "debtor", "creditor", "order", "orderrow")}


# -- the examples -------------------------------------------------------------------------------
def test_every_example_imports_in_order(store: Store) -> None:
    counts = {}
    for record_type, name in IMPORT_ORDER:
        report = import_file(store, record_type, EXAMPLES / name)
        assert report.ok, report.format()
        counts[record_type] = len(report.created)
    assert counts == {"creditor": 1, "article": 4, "debtor": 9, "order": 3, "orderrow": 7}
    assert store.require("article", 1)["unit_price"] == "1150.00"
    assert store.require("article", 3)["unit"] == "mån"
    anna = store.require("debtor", 1)
    assert (anna["name"], anna["debtor_type"], anna["org_no"], anna["phone"], anna["zip_code"]) == (
        "Anna Andersson", "Private", "19850101-1236", "+46701234567", "11122")
    assert store.require("debtor", 2)["zip_code"] == "11151"  # typed '111 51'
    assert store.require("debtor", 9)["country_code"] == "NO"
    creditor = store.require("creditor", 1)
    assert (creditor["org_no"], creditor["reminder_fee"], creditor["payment_terms_days"],
            creditor["interest_percentage"], creditor["delivery_method"]) == (
        "556677-8899", "60.00", 30, "8", "Email")
    assert [store.require("order", i)["debtor_id"] for i in (1, 2, 3)] == [1, 2, 5]
    row = store.require("orderrow", 1)
    assert (row["unit_price"], row["vat_rate"]) == (None, None)  # the article's at send time
    assert store.ids("orderrow", changed_only=True) == [1, 2, 3, 4, 5, 6, 7]
    assert all(r["sync_status"] == SyncStatus.NEW for r in store.rows("debtor"))


def test_example_report_text(store: Store) -> None:
    report = import_file(store, "debtor", EXAMPLES / "debtors.csv")
    assert report.format() == "Imported 9 debtors: 9 new, 0 changed, 0 unchanged.\n  new: 1-9"
    again = import_file(store, "debtors", EXAMPLES / "debtors.csv")
    assert again.format() == "Imported 9 debtors: 0 new, 0 changed, 9 unchanged."
    assert again.unchanged == list(range(1, 10))


def test_bad_example_imports_nothing_and_lists_every_bad_row(store: Store) -> None:
    report = import_file(store, "debtor", EXAMPLES / "debtors-bad.csv")
    assert not report.ok
    assert errors(report) == [
        (3, "org_no", "org_no '556701-2349' has a wrong check digit (the last digit should be 8)"),
        (3, "email", "email 'info@' is not a valid e-mail address"),
        (4, "debtor_type", "debtor_type 'Firma' must be one of Private, Company"),
        (4, "phone", "phone '12345' is not a phone number (e.g. 070-123 45 67 or +46701234567)"),
        (4, "zip_code", "zip_code '2222' must be 5 digits for a Swedish address (e.g. 111 22)"),
        (5, "id", "id 2 appears again (first on line 3)"),
        (5, "name", "name is required"),
        (6, "id", "id 'x5' is not a whole number"),
        (6, "country_code", "country_code 'Sverige' is not an ISO country code (two letters: SE, NO, DE, …)"),
        (7, None, "has 9 values but the header has 11 columns (is a ',' missing quotes?)"),
    ]
    text = report.format()
    assert text.startswith("No debtors imported: 5 rows have errors.\n")
    assert "\n  line 3: email 'info@' is not a valid e-mail address\n" in text
    assert store.count("debtor") == 0  # not even the good row on line 2


# -- one failing case per rule ------------------------------------------------------------------
HEADERS = {
    "article": ("id,name,unit_price,vat_rate,product_type,is_active", "10,Widget,100.00,25,Service,yes"),
    "debtor": ("id,name,org_no,debtor_type,email,phone,zip_code,country_code",
               "10,Ok AB,556677-8899,Company,a@b.se,0701234567,11122,SE"),
    "creditor": ("id,name,reminder_fee,payment_terms_days,interest_percentage,delivery_method,bankgiro,"
                 "vat_number", "10,Ok AB,60,30,8,Email,5050-1055,SE556677889901"),
    "order": ("id,debtor_id,order_date,payment_terms_days,currency", "10,1,2025-01-15,30,SEK"),
    "orderrow": ("id,order_id,article_id,quantity,unit_price,vat_rate,description", "10,1,1,1,,,"),
}
RULES = [
    ("article", "11,,100,25,Service,yes", "name", "name is required"),
    ("article", "0,W,100,25,Service,yes", "id", "id '0' must be a positive whole number"),
    ("article", "1.5,W,100,25,Service,yes", "id", "id '1.5' is not a whole number"),
    ("article", "11,W,,25,Service,yes", "unit_price", "unit_price is required"),
    ("article", "11,W,12.3456,25,Service,yes", "unit_price", "unit_price '12.3456' has more than 2 decimals"),
    ("article", "11,W,12.345,25,Service,yes", "unit_price",
     "unit_price '12.345' is ambiguous: '.' could separate thousands (12345) or decimals. "
     "Type 12345 (or 12345,00) if you mean thousands."),
    ("article", "11,W,12 kr,25,Service,yes", "unit_price", "unit_price '12 kr' is not a number"),
    ("article", "11,W,-100,25,Service,yes", "unit_price", "unit_price '-100' must not be negative"),
    ("article", "11,W,100,20,Service,yes", "vat_rate",
     "vat_rate '20' must be one of 0, 6, 12 or 25 (the Swedish VAT rates)"),
    ("article", "11,W,100,25,Gadget,yes", "product_type",
     "product_type 'Gadget' must be one of Service, Commodity, Package"),
    ("article", "11,W,100,25,Service,maybe", "is_active",
     "is_active 'maybe' must be true or false (yes/no, ja/nej and 1/0 work too)"),
    ("debtor", "11,X,,Company,x@,,,SE", "email", "email 'x@' is not a valid e-mail address"),
    ("debtor", "11,X,,Company,,call me,,SE", "phone",
     "phone 'call me' is not a phone number (e.g. 070-123 45 67 or +46701234567)"),
    ("debtor", "11,X,,Company,,0701234567,,NO", "phone",
     "phone '0701234567' needs a + and the country code (the country is NO)"),
    ("debtor", "11,X,55667788,Company,,,,SE", "org_no",
     "org_no '55667788' is not a Swedish organisation or personal number (NNNNNN-NNNN, or YYYYMMDD-NNNN)"),
    ("debtor", "11,X,556677-8898,Company,,,,SE", "org_no",
     "org_no '556677-8898' has a wrong check digit (the last digit should be 9)"),
    ("debtor", "11,X,19851301-1232,Private,,,,SE", "org_no",
     "org_no '19851301-1232' is not a personal number: 19851301 is not a date of birth"),
    ("debtor", "11,X,,Company,,070-12,,SE", "phone",
     "phone '070-12' is not a phone number (e.g. 070-123 45 67 or +46701234567)"),
    ("debtor", "11,X,,Company,,+46 70 12,,SE", "phone",
     "phone '+46 70 12' is not a phone number (e.g. 070-123 45 67 or +46701234567)"),
    ("debtor", "11,X,,Company,,,1112,SE", "zip_code",
     "zip_code '1112' must be 5 digits for a Swedish address (e.g. 111 22)"),
    ("debtor", "11,X,,Company,,,,XX", "country_code",
     "country_code 'XX' is not an ISO country code (two letters: SE, NO, DE, …)"),
    ("debtor", "11,X,,Person,,,,SE", "debtor_type", "debtor_type 'Person' must be one of Private, Company"),
    ("creditor", "11,X,-5,30,8,Email,,", "reminder_fee", "reminder_fee '-5' must not be negative"),
    ("creditor", "11,X,60,400,8,Email,,", "payment_terms_days",
     "payment_terms_days '400' must be between 0 and 365"),
    ("creditor", "11,X,60,30,-1,Email,,", "interest_percentage",
     "interest_percentage '-1' must not be negative"),
    ("creditor", "11,X,60,30,8,Fax,,", "delivery_method",
     "delivery_method 'Fax' must be one of Email, Mail, Manually, SMS, EInvoice, Kivra"),
    ("creditor", "11,X,60,30,8,Email,5050-1056,", "bankgiro", "bankgiro '5050-1056' has a wrong check digit"),
    ("creditor", "11,X,60,30,8,Email,,SE5566778899", "vat_number",
     "vat_number 'SE5566778899' is not a Swedish VAT number (SE + 10 digits + 01)"),
    ("order", "11,99,2025-01-15,30,SEK", "debtor_id",
     "debtor_id 99 does not match any debtor in the store (import the debtors first)"),
    ("order", "11,1,2025-02-30,30,SEK", "order_date", "order_date '2025-02-30' is not a real date"),
    ("order", "11,1,15/01/2025,30,SEK", "order_date",
     "order_date '15/01/2025' is not a date in the form YYYY-MM-DD"),
    ("order", "11,1,2025-01-15,ten,SEK", "payment_terms_days", "payment_terms_days 'ten' is not a whole number"),
    ("order", "11,1,2025-01-15,30,XYZ", "currency",
     "currency 'XYZ' is not a supported currency (SEK, EUR, NOK, DKK, USD, GBP, CHF, PLN, ISK, JPY)"),
    ("orderrow", "11,99,1,1,,,", "order_id",
     "order_id 99 does not match any order in the store (import the orders first)"),
    ("orderrow", "11,1,99,1,,,", "article_id",
     "article_id 99 does not match any article in the store (import the articles first)"),
    ("orderrow", "11,1,1,0,,,", "quantity", "quantity '0' must be greater than 0"),
    ("orderrow", "11,1,1,,,,", "quantity", "quantity is required"),
    ("orderrow", "11,1,1,1,\"1,0051\",,", "unit_price", "unit_price '1,0051' has more than 2 decimals"),
    ("orderrow", "11,1,1,1,,7,", "vat_rate", "vat_rate '7' must be one of 0, 6, 12 or 25 (the Swedish VAT rates)"),
    ("orderrow", "11,1,,1,100,,Fixed fee", None, None),  # no article: unit_price and description suffice
]


@pytest.mark.parametrize(("record_type", "bad_row", "column", "message"), RULES,
                         ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(RULES)])
def test_each_rule_reports_line_column_and_value(loaded: Store, tmp_path: Path, record_type: str,
                                                 bad_row: str, column: str | None, message: str | None) -> None:
    header, good_row = HEADERS[record_type]
    before = snapshot(loaded)
    path = write(tmp_path, "in.csv", f"{header}\n{good_row}\n{bad_row}\n")
    report = import_file(loaded, record_type, path)
    if column is None:
        assert report.ok, report.format()
        return
    assert errors(report) == [(3, column, message)]
    assert snapshot(loaded) == before  # the good row on line 2 was not imported either


def test_orderrow_without_article_needs_price_and_description(loaded: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "rows.csv", "id,order_id,article_id,quantity,unit_price,description\n20,1,,2,,\n")
    assert errors(import_file(loaded, "orderrow", path)) == [
        (2, "unit_price", "unit_price is required when there is no article_id"),
        (2, "description", "description is required when there is no article_id"),
    ]


def test_duplicate_ids_report_the_second_occurrence(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,name,unit_price\n7,A,1\n\n8,B,2\n7,C,3\n")
    report = import_file(store, "article", path)
    assert errors(report) == [(5, "id", "id 7 appears again (first on line 2)")]
    assert store.count("article") == 0


# -- all or nothing, re-import ------------------------------------------------------------------
def test_bad_file_leaves_store_unchanged_even_for_existing_records(loaded: Store, tmp_path: Path) -> None:
    before = snapshot(loaded)
    path = write(tmp_path, "a.csv", "id,name,unit_price\n1,Renamed hour,999.00\n50,New thing,10\n51,Bad,x\n")
    report = import_file(loaded, "article", path)
    assert errors(report) == [(4, "unit_price", "unit_price 'x' is not a number")]
    assert report.format() == ("No articles imported: 1 row has errors.\n"
                               "  line 4: unit_price 'x' is not a number")
    assert snapshot(loaded) == before


def test_reimport_of_edited_file_marks_only_edited_synced_records_changed(
        store: Store, tmp_path: Path) -> None:
    import_file(store, "debtor", EXAMPLES / "debtors.csv")
    for debtor_id in store.ids("debtor"):
        store.mark_synced("debtor", debtor_id, f"billecta-{debtor_id}")
    assert store.ids("debtor", changed_only=True) == []
    edited = (EXAMPLES / "debtors.csv").read_text(encoding="utf-8").replace(
        "erik.svensson@example.se", "erik@example.se")
    report = import_file(store, "debtor", write(tmp_path, "debtors.csv", edited))
    assert (report.created, report.changed, report.unchanged) == ([], [4], [1, 2, 3, 5, 6, 7, 8, 9])
    assert report.format() == "Imported 9 debtors: 0 new, 1 changed, 8 unchanged.\n  changed: 4"
    assert store.require("debtor", 4)["sync_status"] == SyncStatus.CHANGED
    assert store.require("debtor", 4)["email"] == "erik@example.se"
    assert store.require("debtor", 5)["sync_status"] == SyncStatus.SYNCED
    assert store.ids("debtor", changed_only=True) == [4]


def test_missing_optional_column_keeps_stored_value_and_empty_resets(loaded: Store, tmp_path: Path) -> None:
    report = import_file(loaded, "article", write(tmp_path, "a.csv", "id,name,unit_price\n1,Consulting hour,1150\n"))
    assert report.unchanged == [1]  # vat_rate, unit, product_type… left as stored; '1150' == '1150.00'
    report = import_file(loaded, "article", write(tmp_path, "b.csv", "id,name,unit_price,unit,vat_rate\n"
                                                  "1,Consulting hour,1150,,\n"))
    assert report.changed == [1]
    assert (loaded.require("article", 1)["unit"], loaded.require("article", 1)["vat_rate"]) == (None, "25")
    new = import_file(loaded, "article", write(tmp_path, "c.csv", "id,name,unit_price\n9,Box,10\n"))
    assert new.created == [9]
    assert {k: loaded.require("article", 9)[k] for k in ("vat_rate", "product_type", "is_active")} == {
        "vat_rate": "25", "product_type": "Service", "is_active": 1}


def test_an_anonymized_debtor_is_a_bad_row_listed_with_the_others(loaded: Store, tmp_path: Path) -> None:
    loaded.update("debtor", 4, {"name": "Anonymized debtor 4", "email": None})
    loaded.mark_synced("debtor", 4, "billecta-4", status=SyncStatus.ANONYMIZED)
    before = snapshot(loaded)
    path = write(tmp_path, "d.csv", "id,name,email\n1,Anna Andersson,anna@example.se\n"
                                    "4,Erik Svensson,erik@example.se\n5,,x@example.se\n")
    report = import_file(loaded, "debtor", path)
    assert errors(report) == [(3, "id", "debtor 4 was anonymized; its data cannot be imported again"),
                              (4, "name", "name is required")]
    assert snapshot(loaded) == before
    same = import_file(loaded, "debtor", write(tmp_path, "e.csv", "id,name\n4,Anonymized debtor 4\n"))
    assert same.ok and same.unchanged == [4]


# -- formats ------------------------------------------------------------------------------------
def test_semicolon_csv_with_bom_and_decimal_comma(store: Store, tmp_path: Path) -> None:
    text = ("ID ; Name ;Unit_Price;VAT_rate;Product_Type;Is_Active\r\n"
            "1;Konsulttimme;1150,00;25;service;ja\r\n"
            "2;Resa;\"1 234,50\";12;COMMODITY;nej\r\n")
    path = tmp_path / "artiklar.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = import_file(store, "article", path)
    assert report.ok, report.format()
    one, two = store.require("article", 1), store.require("article", 2)
    assert (one["unit_price"], one["product_type"], one["is_active"]) == ("1150.00", "Service", 1)
    assert (two["unit_price"], two["vat_rate"], two["product_type"], two["is_active"]) == (
        "1234.50", "12", "Commodity", 0)


def test_excel_sep_hint_line_and_physical_line_numbers(store: Store, tmp_path: Path) -> None:
    text = 'sep=;\nid;name;unit_price\n1;"Two\nlines";1\n\n2;B;-\n'
    report = import_file(store, "article", write(tmp_path, "a.csv", text))
    assert errors(report) == [(6, "unit_price", "unit_price '-' is not a number")]


def test_json_list_and_records_object_with_exact_decimals(store: Store, tmp_path: Path) -> None:
    records = '[{"id": 1, "name": "A", "unit_price": 1150.10, "vat_rate": 25.0, "is_active": false},' \
              ' {"ID": "2", "name": "B", "unit_price": "0,10", "product_type": "package"}]'
    report = import_file(store, "article", write(tmp_path, "a.json", records))
    assert report.ok, report.format()
    one, two = store.require("article", 1), store.require("article", 2)
    assert (one["unit_price"], one["vat_rate"], one["is_active"]) == ("1150.10", "25", 0)
    assert (two["unit_price"], two["product_type"]) == ("0.10", "Package")
    wrapped = json.dumps({"records": [{"id": 3, "name": "C", "unit_price": "0.30"}]})
    assert import_file(store, "article", write(tmp_path, "b.json", wrapped)).created == [3]


def test_json_errors_are_numbered_by_record(loaded: Store, tmp_path: Path) -> None:
    records = json.dumps([{"id": 1, "name": "A", "unit_price": "1"}, {"id": 2, "unit_price": "0.005"},
                          "oops", {"id": 4, "name": "D", "unit_price": "1", "colour": "red"}])
    report = import_file(loaded, "article", write(tmp_path, "a.json", records.replace('"0.005"', "0.005")))
    assert errors(report) == [
        (2, "name", "missing required field 'name'"),
        (2, "unit_price", "unit_price '0.005' has more than 2 decimals"),
        (3, None, "is not an object with column names"),
        (4, "colour", "unknown column 'colour' (expected: id, name, article_number, unit_price, vat_rate, "
                      "unit, product_type, is_active)"),
    ]
    assert str(report.errors[0]) == "record 2: missing required field 'name'"
    assert report.format().startswith("No articles imported: 3 records have errors.\n  record 2: ")


# -- columns and files --------------------------------------------------------------------------
def test_unknown_and_missing_columns_are_named(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "id,Foo,email,email\n1,x,a@b.se,a@b.se\n")
    report = import_file(store, "debtor", path)
    assert errors(report) == [
        (1, "foo", "unknown column 'foo' (expected: id, name, org_no, debtor_type, email, phone, address, "
                   "zip_code, city, country_code, contact_name)"),
        (1, "email", "column 'email' appears twice"),
        (1, "name", "missing required column 'name'"),
    ]
    assert report.format().startswith("No debtors imported: the file's columns are wrong.\n  line 1: ")


def test_row_with_value_in_unnamed_column(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,name,unit_price,\n1,A,1,\n2,B,2,oops\n")
    assert errors(import_file(store, "article", path)) == [
        (3, None, "has the value 'oops' in a column with no name in the header")]


def test_file_level_problems_raise_invalid_input(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"must end in \.csv or \.json"):
        import_file(store, "article", write(tmp_path, "a.xlsx", "x"))
    with pytest.raises(InvalidInput, match="There is no file"):
        import_file(store, "article", tmp_path / "missing.csv")
    with pytest.raises(InvalidInput, match="record type must be one of"):
        import_file(store, "invoice", EXAMPLES / "articles.csv")
    latin1 = tmp_path / "a.csv"
    latin1.write_bytes("id,name,unit_price\n1,Resa Malmö,1\n".encode("cp1252"))
    with pytest.raises(InvalidInput, match=r"not UTF-8 text \(byte 0xf6 on line 2\)"):
        import_file(store, "article", latin1)
    with pytest.raises(InvalidInput, match="not valid JSON"):
        import_file(store, "article", write(tmp_path, "a.json", "[{"))
    with pytest.raises(InvalidInput, match="not valid JSON"):
        import_file(store, "article", write(tmp_path, "b.json", '[{"id": 1, "unit_price": NaN}]'))
    with pytest.raises(InvalidInput, match="list of objects"):
        import_file(store, "article", write(tmp_path, "c.json", '{"items": []}'))
    with pytest.raises(InvalidInput, match="empty"):
        import_file(store, "article", write(tmp_path, "e.csv", ""))


def test_empty_file_with_header_imports_nothing(store: Store, tmp_path: Path) -> None:
    report = import_bytes(store, "orderrow", b"id,order_id,quantity\n", "rows.csv")
    assert report.ok
    assert report.format() == "No order rows in the file; nothing imported."


def test_phone_and_org_number_normalisation(store: Store, tmp_path: Path) -> None:
    text = ("id,name,phone,org_no,country_code,zip_code\n"
            "1,A,070-123 45 67,198501011236,se,111 22\n"
            "2,B,+46 (0)8-123 45 67,,SE,\n"
            "3,C,0046 70 123 45 67,,,\n"
            "4,D,+47 22 12 34 56,NO-123,NO,0154\n")
    assert import_file(store, "debtor", write(tmp_path, "d.csv", text)).ok
    assert [store.require("debtor", i)["phone"] for i in (1, 2, 3, 4)] == [
        "+46701234567", "+4681234567", "+46701234567", "+4722123456"]
    assert (store.require("debtor", 1)["country_code"], store.require("debtor", 3)["country_code"]) == ("SE", "SE")
    assert store.require("debtor", 4)["org_no"] == "NO-123"  # not checked outside Sweden


def test_numbers_are_checked_by_the_libraries(store: Store, tmp_path: Path) -> None:
    """python-stdnum and phonenumbers: a national number is read in the record's own country, an
    organisation number may carry the '16' prefix, a personal number needs a real date of birth."""
    text = ("id,name,phone,org_no,country_code\n"
            "1,A,22 12 34 56,,NO\n"
            "2,B,046-12 34 56,16556701-2348,SE\n"
            "3,C,,850101-1236,SE\n")
    assert import_file(store, "debtor", write(tmp_path, "d.csv", text)).ok
    assert [store.require("debtor", i)["phone"] for i in (1, 2)] == ["+4722123456", "+4646123456"]


def test_swish_takes_swedish_mobile_numbers_only() -> None:
    from bot.importer_fields import FieldError, swish_number

    assert swish_number("070-123 45 67") == swish_number("+46 70 123 45 67") == "46701234567"
    for not_swish in ("08-123 45 67", "+47 22 12 34 56", "12345", "call me"):
        with pytest.raises(FieldError, match="not a Swedish mobile number; Swish needs one"):
            swish_number(not_swish)


def test_row_error_defaults() -> None:
    assert str(RowError(4, "email", "email 'x@' is not a valid e-mail address")) == (
        "line 4: email 'x@' is not a valid e-mail address")


# -- large files: read as a stream, written in batches, still all or nothing -----------------------------
def _debtor_rows(first: int, last: int) -> str:
    return "".join(f"{n},Debtor {n},,Company,,,,SE\n" for n in range(first, last + 1))


DEBTOR_HEADER = "id,name,org_no,debtor_type,email,phone,zip_code,country_code\n"


def test_a_bad_row_after_written_batches_still_imports_nothing(store: Store, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.importer.BATCH_ROWS", 2)  # batches are written before the bad rows are read
    text = (DEBTOR_HEADER + _debtor_rows(1, 5) + "6,,,Company,,,,SE\n" + _debtor_rows(7, 9)
            + "3,Again,,Company,,,,SE\n")
    report = import_file(store, "debtor", write(tmp_path, "big.csv", text))
    assert errors(report) == [(7, "name", "name is required"),
                              (11, "id", "id 3 appears again (first on line 4)")]
    assert store.count("debtor") == 0


def test_a_good_file_is_written_batch_by_batch(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.importer.BATCH_ROWS", 3)
    batches: list[int] = []
    upsert = store.upsert_records
    monkeypatch.setattr(store, "upsert_records", lambda table, records: batches.append(len(records))
                        or upsert(table, records))
    report = import_file(store, "debtor", write(tmp_path, "big.csv", DEBTOR_HEADER + _debtor_rows(1, 8)))
    assert report.ok and report.created == list(range(1, 9)) and batches == [3, 3, 2]


def test_the_file_is_read_a_line_at_a_time(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows reach validation while the file is still being read: nothing holds the whole file."""
    import bot.importer as importer

    read: list[str] = []
    lines = importer._text_lines
    monkeypatch.setattr(importer, "_text_lines", lambda handle, name: (read.append(line) or line
                                                                      for line in lines(handle, name)))
    seen_when_checked: list[int] = []
    check = importer._check_row
    monkeypatch.setattr(importer, "_check_row", lambda *args: seen_when_checked.append(len(read)) or check(*args))
    assert import_file(store, "debtor", write(tmp_path, "d.csv", DEBTOR_HEADER + _debtor_rows(1, 4))).ok
    assert seen_when_checked == [2, 3, 4, 5]  # row n is checked when n + 1 lines (with the header) are read


def test_a_byte_that_is_not_utf8_deep_in_a_file_names_its_line(store: Store, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.importer.BATCH_ROWS", 2)
    path = tmp_path / "latin1.csv"
    path.write_bytes((DEBTOR_HEADER + _debtor_rows(1, 4)).encode() + "5,Malmö,,Company,,,,SE\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match=r"byte 0xf6 on line 6"):
        import_file(store, "debtor", path)
    assert store.count("debtor") == 0


def test_a_json_file_above_the_limit_is_refused_with_the_way_out(store: Store, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.importer.MAX_JSON_BYTES", 1024 * 1024)
    records = [{"id": n, "name": f"Debtor {n} " + "x" * 100} for n in range(1, 10_000)]
    with pytest.raises(InvalidInput, match=r"larger than 1 MB, the limit for JSON imports; save it as CSV"):
        import_file(store, "debtor", write(tmp_path, "d.json", json.dumps(records)))
