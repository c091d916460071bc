use super::*;

fn no_mapping() -> HashMap<Field, String> {
    HashMap::new()
}

#[test]
fn dutch_excel_csv_with_semicolons_in_windows_1252_reads_with_its_accents() {
    // "José Müller" as Windows-1252: é = 0xE9, ü = 0xFC.
    let mut bytes = b"E-mailadres;Volledige naam;Organisatie;Afdeling;E-mail leidinggevende\r\n".to_vec();
    bytes.extend_from_slice(b"jose@nuenen.nl;Jos\xE9 M\xFCller;Nuenen;Caf\xE9;\r\n");
    bytes.extend_from_slice(b";;;;\r\n");
    bytes.extend_from_slice(b"\"anna@nuenen.nl\";\"Vries; Anna de\";Nuenen;ICT;jose@nuenen.nl\r\n");
    let table = read(&bytes, FileKind::Csv).unwrap();
    let rows = rows(&table, &no_mapping(), None).unwrap();
    assert_eq!(rows.len(), 2, "the empty line is skipped");
    assert_eq!((rows[0].line, rows[0].name.as_str(), rows[0].org_unit.as_deref()), (2, "José Müller", Some("Café")));
    assert_eq!((rows[1].line, rows[1].name.as_str()), (4, "Vries; Anna de"));
    assert_eq!(rows[1].manager_email.as_deref(), Some("jose@nuenen.nl"));
}

#[test]
fn utf8_with_a_byte_order_mark_and_quoted_commas_and_newlines_reads() {
    let text = "\u{feff}Email,Name,Organisation\n\"a@b.nl\",\"Wit, Bea\nvan\",Best\n";
    let table = read(text.as_bytes(), FileKind::Csv).unwrap();
    assert_eq!(table.header[0], "Email");
    let rows = rows(&table, &no_mapping(), None).unwrap();
    assert_eq!(rows[0].name, "Wit, Bea\nvan");
    assert_eq!((rows[0].org_unit.clone(), rows[0].manager_email.clone()), (None, None), "no such columns: kept");
}

#[test]
fn the_separator_is_the_one_the_header_uses_most_outside_quotes() {
    assert_eq!(separator("email;name;\"a,b,c\"\nx"), b';');
    assert_eq!(separator("email,name,\"a;b;c;d\"\n"), b',');
    assert_eq!(separator("email\tname\n"), b'\t');
    assert_eq!(separator("email\n"), b',');
}

#[test]
fn headers_match_without_case_spaces_or_dashes_and_by_known_dutch_names() {
    let header: Vec<String> =
        ["Naam", " E-MAIL werk ", "Organisatorische eenheid", "Gemeente", "Leidinggevende e-mail", "Personeelsnummer"]
            .map(String::from)
            .to_vec();
    let cols = columns(&header, &no_mapping(), false).unwrap();
    assert_eq!(cols[&Field::Email], 1);
    assert_eq!(cols[&Field::Name], 0);
    assert_eq!(cols[&Field::OrgUnit], 2);
    assert_eq!(cols[&Field::Organisation], 3);
    assert_eq!(cols[&Field::ManagerEmail], 4);
}

#[test]
fn a_mapping_wins_and_names_unknown_or_missing_columns() {
    let header: Vec<String> = ["Adres", "Wie", "Org"].map(String::from).to_vec();
    assert_eq!(
        columns(&header, &no_mapping(), false).unwrap_err(),
        FileProblem::MissingColumn { field: Field::Email, columns: header.clone() }
    );
    let mut mapping = HashMap::from([(Field::Email, "adres".to_owned()), (Field::Name, "Wie".to_owned())]);
    assert_eq!(
        columns(&header, &mapping, false).unwrap_err(),
        FileProblem::MissingColumn { field: Field::Organisation, columns: header.clone() }
    );
    let cols = columns(&header, &mapping, true).unwrap();
    assert_eq!((cols[&Field::Email], cols[&Field::Name], cols.get(&Field::Organisation)), (0, 1, None));
    mapping.insert(Field::OrgUnit, "Afdeling".into());
    assert!(matches!(
        columns(&header, &mapping, true),
        Err(FileProblem::UnknownColumn { field: Field::OrgUnit, column, .. }) if column == "Afdeling"
    ));
}

#[test]
fn a_given_organisation_fills_empty_cells_only() {
    let table = read(b"email,name,organisation\na@x.nl,A,\nb@x.nl,B,Best\n", FileKind::Csv).unwrap();
    let rows = rows(&table, &no_mapping(), Some("Nuenen")).unwrap();
    assert_eq!((rows[0].organisation.as_str(), rows[1].organisation.as_str()), ("Nuenen", "Best"));
}

#[test]
fn a_workbooks_first_sheet_reads_with_numbers_and_dates_as_text() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["E-mailadres", "Naam", "Organisatie", "Afdeling", "Personeelsnummer", "In dienst"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "piet@best.nl").unwrap();
    sheet.write_string(1, 1, "Piet").unwrap();
    sheet.write_string(1, 2, "Best").unwrap();
    sheet.write_number(1, 3, 42.0).unwrap();
    sheet.write_number(1, 4, 1234.5).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 1).unwrap();
    sheet
        .write_datetime_with_format(1, 5, &date, &rust_xlsxwriter::Format::new().set_num_format("dd-mm-yyyy"))
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert_eq!(FileKind::of(Some("text/csv"), &bytes), Some(FileKind::Xlsx), "recognised by its bytes");
    let table = read(&bytes, FileKind::Xlsx).unwrap();
    assert_eq!(
        table.rows,
        vec![(2, ["piet@best.nl", "Piet", "Best", "42", "1234.5", "2026-03-01"].map(String::from).to_vec())]
    );
    let rows = rows(&table, &no_mapping(), None).unwrap();
    assert_eq!(rows[0].org_unit.as_deref(), Some("42"));
}

#[test]
fn garbage_and_empty_files_are_problems() {
    assert!(matches!(read(b"PK\x03\x04nonsense", FileKind::Xlsx), Err(FileProblem::Unreadable(_))));
    assert_eq!(read(b"", FileKind::Csv).unwrap_err(), FileProblem::Empty);
    let table = read(b"email,name,organisation\n", FileKind::Csv).unwrap();
    assert_eq!(rows(&table, &no_mapping(), None).unwrap_err(), FileProblem::Empty);
    assert_eq!(FileKind::of(Some("application/json"), b"{}"), None);
}
