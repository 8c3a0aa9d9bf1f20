//! The unified social credit code, with every vector of
//! `shared/specs/policy-rules.md`.

use zijin_policy::{Uscc, UsccError};

#[track_caller]
fn check(text: &str, expected: Result<&str, UsccError>) {
    let actual = Uscc::parse(text);
    let actual = actual.as_ref().map(Uscc::as_str).map_err(Clone::clone);
    assert_eq!(actual, expected, "{text}");
}

#[test]
fn the_valid_codes_of_the_spec_are_accepted() {
    for code in [
        "914403001922038216",
        "91110000710925462X",
        "91110000625905205U",
        "91100000100003962T",
        "91350100M000100Y43",
    ] {
        check(code, Ok(code));
    }
}

#[test]
fn lower_case_and_surrounding_space_are_accepted() {
    check(" 91110000710925462x\n", Ok("91110000710925462X"));
}

#[test]
fn a_wrong_check_character_names_the_expected_one() {
    check(
        "91350100M000100Y4Z",
        Err(UsccError::CheckCharacter {
            code: "91350100M000100Y4Z".into(),
            expected: '3',
            found: 'Z',
        }),
    );
    check(
        "914403001922038217",
        Err(UsccError::CheckCharacter {
            code: "914403001922038217".into(),
            expected: '6',
            found: '7',
        }),
    );
}

#[test]
fn a_wrong_length_is_reported_with_the_length_found() {
    check(
        "9144030019220382",
        Err(UsccError::Length {
            code: "9144030019220382".into(),
            found: 16,
        }),
    );
    check(
        "",
        Err(UsccError::Length {
            code: String::new(),
            found: 0,
        }),
    );
    // Characters, not bytes: a Chinese character counts once.
    check(
        "9144统3001922038216",
        Err(UsccError::Character {
            code: "9144统3001922038216".into(),
            position: 5,
            character: '统',
        }),
    );
    // The last character is the check character: it is reported as such.
    check(
        "91440300192203821统",
        Err(UsccError::CheckCharacter {
            code: "91440300192203821统".into(),
            expected: '6',
            found: '统',
        }),
    );
}

#[test]
fn a_character_outside_the_alphabet_is_named_with_its_position() {
    for (letter, position) in [('I', 9), ('O', 10), ('S', 11), ('V', 12), ('Z', 17)] {
        let mut code: Vec<char> = "914403001922038216".chars().collect();
        code[position - 1] = letter;
        let code: String = code.into_iter().collect();
        check(
            &code,
            Err(UsccError::Character {
                code: code.clone(),
                position,
                character: letter,
            }),
        );
    }
}

#[test]
fn the_message_says_what_is_wrong_in_both_languages() {
    let message = Uscc::parse("91350100M000100Y4Z").unwrap_err().to_string();
    assert!(message.contains("校验位应为“3”"), "{message}");
    assert!(message.contains("should be “3”, found “Z”"), "{message}");
}

#[test]
fn the_parts_of_a_code() {
    let code = Uscc::parse("91350100M000100Y43").unwrap();
    assert_eq!(code.area_code(), "350100");
    assert_eq!(code.organisation_code(), "M000100Y4");
    assert_eq!(code.to_string(), "91350100M000100Y43");
    assert_eq!("91350100M000100Y43".parse::<Uscc>(), Ok(code));
}
