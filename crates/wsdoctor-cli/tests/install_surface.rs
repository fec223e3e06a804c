//! What a package or `cargo install` ships beside the binary: man pages and shell completions generated
//! from the CLI's definition, and a binary that needs no system library beyond libc (no libdbus: the
//! keyring is spoken through a D-Bus client in Rust).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_wsdoctor");

fn stdout_of(command: &mut Command) -> String {
    let output = command.output().expect("runs");
    assert!(
        output.status.success(),
        "{:?}: {}",
        command,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn man_pages_cover_every_command_and_render() {
    let dir = std::env::temp_dir().join(format!("wsdoctor-man-{}", std::process::id()));
    stdout_of(Command::new(BIN).arg("man-pages").arg(&dir));
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "wsdoctor-check.1",
            "wsdoctor-completions.1",
            "wsdoctor-connect.1",
            "wsdoctor-lab.1",
            "wsdoctor-profiles.1",
            "wsdoctor.1"
        ]
    );
    // groff renders each without a warning (as `man` would: UTF-8 input through preconv).
    for page in &pages {
        let output = Command::new("groff")
            .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
            .arg(dir.join(page))
            .output()
            .expect("groff runs");
        let warnings = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && warnings.is_empty(),
            "{page}: {warnings}"
        );
    }
    let check = std::fs::read_to_string(dir.join("wsdoctor-check.1")).unwrap();
    assert!(check.contains("\\-\\-proxy\\-config"), "{check}");
    assert!(check.contains("sarif"), "{check}");
    let main = std::fs::read_to_string(dir.join("wsdoctor.1")).unwrap();
    assert!(main.contains("wsdoctor\\-check(1)"), "{main}");
    assert!(
        !main.contains("man\\-pages"),
        "the hidden command is not documented"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn completions_for_bash_zsh_and_fish_know_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(Command::new(BIN).args(["completions", shell]));
        for word in [
            "check",
            "connect",
            "profiles",
            "proxy-config",
            "junit",
            "sarif",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    // Bash reads its script without a syntax error, and completes `wsdoctor ch` to `check`.
    let script = stdout_of(Command::new(BIN).args(["completions", "bash"]));
    let completed = stdout_of(Command::new("bash").arg("-c").arg(format!(
        "{script}\nCOMP_WORDS=(wsdoctor ch); COMP_CWORD=1; COMP_LINE='wsdoctor ch'; COMP_POINT=11; _wsdoctor wsdoctor ch wsdoctor; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )));
    assert_eq!(completed.trim(), "check");
    let (code, _, stderr) = {
        let out = Command::new(BIN)
            .args(["completions", "tcsh"])
            .output()
            .unwrap();
        (
            out.status.code(),
            (),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn the_cli_links_no_libdbus() {
    // The C runtime and nothing else: no libdbus, no libssl, nothing a `-dev` package would be needed for.
    let libraries = stdout_of(Command::new("ldd").arg(BIN));
    let runtime = [
        "linux-vdso",
        "libc.so",
        "libm.so",
        "libgcc_s.so",
        "ld-linux",
        "libpthread.so",
        "libdl.so",
        "librt.so",
    ];
    for line in libraries.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            runtime
                .iter()
                .any(|r| line.trim_start().starts_with(r) || line.contains(&format!("/{r}"))),
            "the CLI links {line}"
        );
    }
}
