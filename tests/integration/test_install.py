"""herald as an installed service: "cmake --install" into a DESTDIR (the
paths and modes of the tree, the example config never overwritten), the
systemd unit verified with systemd-analyze and its sysusers.d file read
by systemd-sysusers in a scratch root, and the installed herald run with
the installed config layout in a temporary root: init copies the
templates and creates the missing directories, check says ok.
These are the commands of docs/guide.md, "Installing from source".

Then who may read what: the database and the secret are the group's
(herald, or $HERALD_GROUP) when it exists, else private to their owner;
check refuses a secret others can read; an organiser in the group runs
herald on the service's database."""
import grp
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
import util

BUILD = os.path.dirname(os.path.abspath(util.HERALD))
PREFIX = "/usr/local"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def own_group():
    """A group this process may give files to: its own primary group. It
    stands for "herald" where creating a group needs root."""
    return grp.getgrgid(os.getgid()).gr_name


def cmake_install(destdir):
    env = dict(os.environ, DESTDIR=destdir)
    return subprocess.run(["cmake", "--install", BUILD], env=env,
                          capture_output=True, text=True, timeout=120)


GUIDE = os.path.join(util.SOURCE, "docs", "guide.md")
RUN_HERE = "# run by tests/integration/test_install.py"


def guide_blocks():
    """The fenced blocks of docs/guide.md: (info string, lines)."""
    with open(GUIDE) as f:
        text = f.read()
    return [(m.group(1), m.group(2).splitlines())
            for m in re.finditer(r"(?ms)^```(\w*)\n(.*?)^```", text)]


def kind_of(line):
    """Which test of this file runs a command line of the guide."""
    w = shlex.split(line)
    if w[:2] == ["cmake", "--install"]:
        return "cmake"
    if w[0] in ("systemd-sysusers", "systemd-analyze"):
        return "systemd"
    if w[0] in ("herald", "usermod"):
        return w[0]
    return None


def guide_commands(kind):
    """The guide's command lines marked as run here, of one kind."""
    out = []
    for _, lines in guide_blocks():
        if lines and lines[0] == RUN_HERE:
            out += [l for l in lines[1:] if l.strip() and kind_of(l) == kind]
    return out


def guide_output(first_line):
    """The guide's text block that starts with first_line."""
    for info, lines in guide_blocks():
        if info == "text" and lines and lines[0].startswith(first_line):
            return lines
    raise AssertionError("no output block starting %r in the guide" % first_line)


class InstallTreeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # the guide's "cmake --install build", into a DESTDIR
        if guide_commands("cmake") != ["cmake --install build"]:
            raise AssertionError("the guide's install command changed: %r"
                                 % guide_commands("cmake"))
        cls.destdir = tempfile.mkdtemp(prefix="herald-destdir-")
        r = cmake_install(cls.destdir)
        if r.returncode != 0:
            raise AssertionError("cmake --install: %s%s" % (r.stdout, r.stderr))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.destdir, ignore_errors=True)

    def p(self, path):
        return os.path.join(self.destdir, path.lstrip("/"))

    def test_paths_and_modes(self):
        expect = {
            PREFIX + "/bin/herald": 0o755,
            PREFIX + "/sbin/heraldd": 0o755,
            PREFIX + "/share/man/man1/herald.1": 0o644,
            PREFIX + "/share/man/man5/herald.conf.5": 0o644,
            PREFIX + "/share/man/man8/heraldd.8": 0o644,
            PREFIX + "/share/herald/templates/invite.txt": 0o644,
            PREFIX + "/share/herald/templates/reminder.es.txt": 0o644,
            PREFIX + "/share/herald/herald.conf": 0o644,
            PREFIX + "/share/doc/herald/guide.md": 0o644,
            PREFIX + "/share/bash-completion/completions/herald": 0o644,
            PREFIX + "/lib/systemd/system/heraldd.service": 0o644,
            PREFIX + "/lib/sysusers.d/herald.conf": 0o644,
            "/etc/herald/herald.conf": 0o644,
        }
        for path, m in expect.items():
            with self.subTest(path=path):
                self.assertTrue(os.path.isfile(self.p(path)), path)
                self.assertEqual(mode(self.p(path)), m, path)
        # heraldd is in sbin only; the templates are all there
        self.assertFalse(os.path.exists(self.p(PREFIX + "/bin/heraldd")))
        shipped = sorted(os.listdir(os.path.join(util.SOURCE, "templates")))
        self.assertEqual(sorted(os.listdir(self.p(PREFIX + "/share/herald/templates"))),
                         shipped)
        # nothing outside DESTDIR's /etc and the prefix
        self.assertEqual(sorted(os.listdir(self.destdir)), ["etc", "usr"])

    def test_installed_config(self):
        conf = open(self.p("/etc/herald/herald.conf")).read()
        self.assertIn('database    = "/var/lib/herald/herald.db";', conf)
        self.assertNotRegex(conf, r'database\s*=\s*"(?!/var/lib/herald/)')
        # commented: every group says what it is for
        self.assertGreater(conf.count("#"), 30)

    def test_config_is_never_overwritten(self):
        path = self.p("/etc/herald/herald.conf")
        with open(path, "a") as f:
            f.write("# edited by the administrator\n")
        try:
            r = cmake_install(self.destdir)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Kept: " + path, r.stdout)
            self.assertTrue(open(path).read().endswith("# edited by the administrator\n"))
        finally:
            shutil.copy(self.p(PREFIX + "/share/herald/herald.conf"), path)

    def unit_text(self):
        return open(self.p(PREFIX + "/lib/systemd/system/heraldd.service")).read()

    def test_unit_settings(self):
        unit = self.unit_text()
        for line in ("ExecStart=/usr/local/sbin/heraldd -f", "User=herald",
                     "StateDirectory=herald", "ConfigurationDirectory=herald",
                     "ExecReload=kill -HUP $MAINPID", "NoNewPrivileges=yes",
                     "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                     "PrivateDevices=yes",
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                     "SystemCallFilter=@system-service",
                     "MemoryDenyWriteExecute=yes", "LockPersonality=yes",
                     "UMask=0027"):
            self.assertIn("\n" + line + "\n", unit)
        self.assertRegex(unit, r"\nType=(simple|notify)\n")

    def guide_systemd(self, tool, *words):
        """The guide's line for tool and words, and the installed path it names."""
        for line in guide_commands("systemd"):
            w = shlex.split(line)
            if w[0] == tool and all(x in w for x in words):
                self.assertTrue(w[-1].startswith(PREFIX + "/"), line)
                self.assertTrue(os.path.isfile(self.p(w[-1])), line)
                return w
        self.fail("the guide runs no %s %s" % (tool, " ".join(words)))

    @unittest.skipUnless(shutil.which("systemd-analyze"), "no systemd-analyze")
    def test_unit_verifies(self):
        # The unit as installed, its programs looked up in DESTDIR
        # (systemd-analyze verify checks that they are executable).
        verify = self.guide_systemd("systemd-analyze", "verify")
        security = self.guide_systemd("systemd-analyze", "security")
        d = tempfile.mkdtemp(prefix="herald-unit-")
        try:
            unit = os.path.join(d, "heraldd.service")
            with open(unit, "w") as f:
                f.write(self.unit_text().replace(
                    "=" + PREFIX + "/", "=" + self.p(PREFIX) + "/"))
            r = subprocess.run(verify[:2] + ["--man=no"] + verify[2:-1] + [unit],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(r.stderr.strip(), "")
            r = subprocess.run(security[:-1] + [unit], capture_output=True,
                               text=True, timeout=60)
            m = re.search(r"Overall exposure level for heraldd.service: ([0-9.]+) (\w+)",
                          r.stdout)
            self.assertIsNotNone(m, r.stdout + r.stderr)
            print("systemd-analyze security: %s %s" % (m.group(1), m.group(2)),
                  file=sys.stderr)
            self.assertLessEqual(float(m.group(1)), 2.0, r.stdout)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    @unittest.skipUnless(shutil.which("systemd-sysusers"), "no systemd-sysusers")
    def test_sysusers_makes_the_user_and_group(self):
        # the guide's line, in a scratch root instead of the machine's
        w = self.guide_systemd("systemd-sysusers")
        root = tempfile.mkdtemp(prefix="herald-sysusers-")
        try:
            os.makedirs(os.path.join(root, "etc"))
            r = subprocess.run(w[:-1] + ["--root", root, self.p(w[-1])],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            passwd = open(os.path.join(root, "etc", "passwd")).read()
            group = open(os.path.join(root, "etc", "group")).read()
            self.assertRegex(passwd, r"(?m)^herald:x:\d+:\d+:[^:]*:/var/lib/herald:")
            self.assertRegex(group, r"(?m)^herald:x:\d+:")
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def test_completion_is_bash(self):
        path = self.p(PREFIX + "/share/bash-completion/completions/herald")
        r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("complete ", open(path).read())


class InstalledLayoutTest(unittest.TestCase):
    """The installed herald and heraldd with the installed config, its
    /etc/herald and /var/lib/herald moved under a temporary root, against
    the test servers: init, check and heraldd -n as docs/guide.md shows."""

    @classmethod
    def setUpClass(cls):
        cls.destdir = tempfile.mkdtemp(prefix="herald-destdir-")
        r = cmake_install(cls.destdir)
        if r.returncode != 0:
            raise AssertionError("cmake --install: %s%s" % (r.stdout, r.stderr))
        cls.sdir = tempfile.mkdtemp(prefix="herald-install-srv-")
        cls.srv = harness.Servers(cls.sdir, dovecot=True, sink=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.sdir, ignore_errors=True)
        shutil.rmtree(cls.destdir, ignore_errors=True)

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-root-")
        self.etc = os.path.join(self.root, "etc", "herald")
        self.var = os.path.join(self.root, "var", "lib", "herald")
        os.makedirs(self.etc)
        conf = open(os.path.join(self.destdir, "etc/herald/herald.conf")).read()
        # what the administrator edits: the servers (here the test ones)
        conf = conf.replace('"/var/lib/herald/', '"%s/' % self.var)
        conf = conf.replace('url = "smtp://127.0.0.1:25"',
                            'url = "smtp://127.0.0.1:%d"' % self.srv.smtp_port)
        conf = conf.replace('url = "imaps://mail.example.org/INBOX"',
                            'url = "imap://127.0.0.1:%d/INBOX"' % self.srv.imap_port)
        conf = re.sub(r'password_file = "";\s*# e.g. "imap.pass".*',
                      'password_file = "imap.pass";', conf)
        conf = conf.replace('tls = "auto"', 'tls = "off"')
        self.assertNotIn("/var/lib/herald", conf.replace(self.var, ""))
        self.conf = os.path.join(self.etc, "herald.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        with open(os.path.join(self.etc, "imap.pass"), "w") as f:
            f.write(self.srv.imap_password + "\n")
        self.env = dict(os.environ, HERALD_GROUP="")
        self.env.pop("HERALD_CONF", None)

    def tearDown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def herald(self, *args, env=None):
        return subprocess.run(
            [os.path.join(self.destdir, PREFIX.lstrip("/"), "bin", "herald"),
             "-c", self.conf] + list(args), capture_output=True, text=True,
            env=env or self.env, timeout=120)

    def installed(self, *names):
        return os.path.join(self.destdir, PREFIX.lstrip("/"), *names)

    def guide_herald(self, line, env=None):
        return self.herald(*shlex.split(line)[1:], env=env)

    def test_the_guides_commands(self):
        lines = guide_commands("herald")
        self.assertEqual(lines[:2], ["herald init", "herald check"])
        shipped = self.installed("share", "herald", "templates")

        r = self.guide_herald(lines[0])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # as the guide shows it, in this root
        want = [re.escape(l.replace("/etc/herald", self.etc)
                          .replace("/var/lib/herald", self.var)
                          .replace(PREFIX + "/share/herald/templates", shipped))
                for l in guide_output("config    /etc/herald/herald.conf: ok")]
        want = [w.replace(r"schema\ 8", r"schema\ \d+").replace(r"22\ copied", r"\d+\ copied")
                for w in want]
        got = r.stdout.splitlines()
        self.assertEqual(len(got), len(want), r.stdout)
        for g, w in zip(got, want):
            self.assertRegex(g, "^" + w + "$")
        self.assertIn("%d copied" % len(os.listdir(shipped)), r.stdout)
        # the missing state directory was created; no group: private
        self.assertEqual(mode(self.var), 0o750)
        self.assertEqual(mode(os.path.join(self.var, "herald.db")), 0o600)
        self.assertEqual(mode(os.path.join(self.etc, "secret")), 0o600)
        self.assertEqual(sorted(os.listdir(os.path.join(self.etc, "templates"))),
                         sorted(os.listdir(shipped)))
        # nothing of the state in /etc
        self.assertFalse([n for n in os.listdir(self.etc) if "herald.db" in n])

        r = self.guide_herald(lines[1])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        labels = [l.split()[0] for l in guide_output("config    ok")]
        self.assertEqual([l.split()[0] for l in r.stdout.splitlines()], labels)
        for what in labels:
            self.assertRegex(r.stdout, r"(?m)^%s\s+%s " % (
                what, "WARN" if what == "daemon" else "ok"))

        # a second init keeps everything, the edited templates too
        with open(os.path.join(self.etc, "templates", "invite.txt"), "a") as f:
            f.write("edited\n")
        r = self.herald("init")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("templates %s/templates: kept" % self.etc, r.stdout)
        self.assertIn("edited", open(os.path.join(self.etc, "templates",
                                                  "invite.txt")).read())

        # what README.md has made before the first send
        for args in (("list", "create", "delegates", "--kind", "announce"),
                     ("contact", "add", "ana@example.org", "--name", "Ana",
                      "--org", "Red de Mujeres Rurales"),
                     ("list", "add", "delegates", "ana@example.org"),
                     ("event", "create", "summit-2027", "--title", "Summit 2027",
                      "--start", "2027-03-02 09:00", "--end", "2027-03-03 17:00",
                      "--tz", "Europe/Zurich", "--location", "Geneva")):
            r = self.herald(*args)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # the daemon accepts the layout, then runs as the service would
        heraldd = self.installed("sbin", "heraldd")
        r = subprocess.run([heraldd, "-n", "-c", self.conf], capture_output=True,
                           text=True, env=self.env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(self.root, "heraldd.log"), "wb") as log:
            d = subprocess.Popen([heraldd, "-f", "-c", self.conf], stdout=log,
                                 stderr=log, env=self.env)
        try:
            harness.wait_for(lambda: self.herald("status").returncode == 0, 30,
                             "heraldd to hold the database")
            tests = 0
            for line in lines[2:]:
                with self.subTest(line=line):
                    r = self.guide_herald(line)
                    self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                    tests += line.startswith("herald campaign test ")
            self.assertGreaterEqual(tests, 4)
            harness.wait_for(lambda: len(self.srv.sink_messages()) >= tests, 60,
                             "the test copies at the sink")
            rcpts = sorted(m.rcpt_to[0] for m in self.srv.sink_messages())
            self.assertEqual(rcpts, sorted(shlex.split(l)[-1] for l in lines
                                           if l.startswith("herald campaign test ")))
        finally:
            d.terminate()
            d.wait(timeout=90)

    def test_init_with_the_group(self):
        env = dict(self.env, HERALD_GROUP=own_group())
        r = self.herald("init", env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        gid = os.getgid()
        for path, m in ((self.var, 0o2770),
                        (os.path.join(self.var, "herald.db"), 0o660),
                        (os.path.join(self.etc, "secret"), 0o640),
                        (os.path.join(self.etc, "templates"), 0o2770),
                        (os.path.join(self.etc, "templates", "invite.txt"), 0o660)):
            with self.subTest(path=path):
                self.assertEqual(mode(path), m)
                self.assertEqual(os.stat(path).st_gid, gid)
        r = self.herald("check", env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^secret\s+ok ")


class ModesTest(unittest.TestCase):
    """Modes with the build's herald, in a test workdir."""

    def setUp(self):
        self.w = util.Workdir(init=False, smtp_port=1, imap_port=1)
        self.group = own_group()

    def tearDown(self):
        self.w.close()

    def env(self, group):
        return {"HERALD_GROUP": group}

    def test_private_without_the_group(self):
        for group in ("", "no-such-group-herald"):
            with self.subTest(group=group):
                for n in ("herald.db", "secret"):
                    if os.path.exists(self.w.path(n)):
                        os.unlink(self.w.path(n))
                r = self.w.run("init", env=self.env(group))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(mode(self.w.path("herald.db")), 0o600)
                self.assertEqual(mode(self.w.path("secret")), 0o600)

    def test_shared_with_the_group(self):
        self.w.ok("init", env=self.env(self.group))
        self.assertEqual(mode(self.w.path("herald.db")), 0o660)
        self.assertEqual(mode(self.w.path("secret")), 0o640)
        for n in ("herald.db", "secret"):
            self.assertEqual(os.stat(self.w.path(n)).st_gid, os.getgid())
        # SQLite makes -wal and -shm with the database's mode; heraldd
        # keeps them while it runs
        self.w.start_daemon()
        # SQLite makes them at the first read, which can come after
        # heraldd writes its pidfile: wait for the files themselves
        for n in ("herald.db-wal", "herald.db-shm"):
            harness.wait_for(lambda: os.path.exists(self.w.path(n)),
                             20, n)
            with self.subTest(n=n):
                self.assertEqual(mode(self.w.path(n)), 0o660)

    def test_init_creates_parent_directories(self):
        conf = self.w.read("herald.conf")
        conf = conf.replace('database = "herald.db";', 'database = "state/db/herald.db";')
        conf = conf.replace('secret_file = "secret";', 'secret_file = "keys/secret";')
        self.w.write("herald.conf", conf)
        r = self.w.run("init", env=self.env(""))
        self.assertEqual(r.returncode, 0, r.stderr)
        for d in ("state", "state/db", "keys"):
            self.assertEqual(mode(self.w.path(d)), 0o750, d)
        self.assertEqual(mode(self.w.path("state/db/herald.db")), 0o600)
        self.assertEqual(mode(self.w.path("keys/secret")), 0o600)
        # with the group, new directories are its, setgid
        shutil.rmtree(self.w.path("state"))
        r = self.w.run("init", env=self.env(self.group))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(mode(self.w.path("state")), 0o2770)
        self.assertEqual(mode(self.w.path("state/db/herald.db")), 0o660)

    def test_init_fails_when_a_parent_cannot_be_made(self):
        self.w.write("blocker", "a file, not a directory\n")
        conf = self.w.read("herald.conf").replace(
            'database = "herald.db";', 'database = "blocker/sub/herald.db";')
        self.w.write("herald.conf", conf)
        r = self.w.run("init", env=self.env(""))
        self.assertEqual(r.returncode, 73, r.stderr)
        self.assertIn("blocker", r.stderr)

    def check_secret(self, group):
        r = self.w.run("check", env=self.env(group))
        m = re.search(r"(?m)^secret\s+(ok|FAIL)\s*(.*)$", r.stdout)
        self.assertIsNotNone(m, r.stdout + r.stderr)
        return m.group(1), m.group(2)

    def test_check_judges_the_secret_mode(self):
        self.w.ok("init", env=self.env(""))
        secret = self.w.path("secret")
        self.assertEqual(self.check_secret("")[0], "ok")
        cases = [
            # (mode, group env, verdict, words)
            (0o600, self.group, "ok", ""),
            (0o400, "", "ok", ""),
            (0o640, self.group, "ok", ""),
            (0o440, self.group, "ok", ""),
            (0o640, "", "FAIL", "HERALD_GROUP is empty"),
            (0o640, "no-such-group-herald", "FAIL", "no group no-such-group-herald"),
            (0o660, self.group, "FAIL", "writable by group"),
            (0o644, self.group, "FAIL", "readable by others"),
            (0o604, "", "FAIL", "readable by others"),
        ]
        for m, group, verdict, words in cases:
            with self.subTest(mode=oct(m), group=group):
                os.chmod(secret, m)
                got, detail = self.check_secret(group)
                self.assertEqual(got, verdict, detail)
                self.assertIn(words, detail)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to give the secret "
                         "to a group this process is not in")
    def test_check_refuses_a_secret_of_another_group(self):
        self.w.ok("init", env=self.env(""))
        secret = self.w.path("secret")
        other = [g for g in grp.getgrall() if g.gr_gid != os.getgid()][0]
        os.chown(secret, -1, other.gr_gid)
        os.chmod(secret, 0o640)
        got, detail = self.check_secret(self.group)
        self.assertEqual(got, "FAIL")
        self.assertIn("group other than " + self.group, detail)


@unittest.skipUnless(os.geteuid() == 0, "needs root to create a group and an "
                     "organiser's account")
class OrganiserTest(unittest.TestCase):
    """An organiser in the service's group runs herald on a database that
    root's init made and the daemon's account owns."""

    def setUp(self):
        tag = "%d" % (os.getpid() % 100000)
        self.group, self.svc, self.user = "hgrp" + tag, "hsvc" + tag, "horg" + tag
        subprocess.run(["groupadd", self.group], check=True)
        for u in (self.svc, self.user):
            subprocess.run(["useradd", "-M", "-N", "-g", "nogroup",
                            "-s", "/usr/sbin/nologin", u], check=True)
        # the guide's usermod, with this test's names
        subprocess.run(["usermod", "-aG", self.group, self.svc], check=True)
        [line] = guide_commands("usermod")
        w = shlex.split(line)
        self.assertEqual(w[:3], ["usermod", "-aG", "herald"])
        subprocess.run(w[:2] + [self.group, self.user], check=True)
        self.w = util.Workdir(init=False, smtp_port=1, imap_port=1)
        os.chmod(self.w.dir, 0o755)
        conf = self.w.read("herald.conf").replace(
            'database = "herald.db";', 'database = "state/herald.db";')
        self.w.write("herald.conf", conf)
        gid = grp.getgrnam(self.group).gr_gid
        os.chown(self.w.path("imap.pass"), -1, gid)
        os.chmod(self.w.path("imap.pass"), 0o640)
        self.env = {"HERALD_GROUP": self.group}

    def tearDown(self):
        self.w.close()
        for u in (self.user, self.svc):
            subprocess.run(["userdel", u], capture_output=True)
        subprocess.run(["groupdel", self.group], capture_output=True)

    def as_user(self, user, *args):
        env = dict(os.environ, **self.env)
        env.pop("HERALD_CONF", None)
        return subprocess.run(["runuser", "-u", user, "--", util.HERALD, "-c",
                               self.w.conf_path] + list(args), env=env,
                              capture_output=True, text=True, timeout=120)

    def test_organiser_runs_herald(self):
        self.w.ok("init", env=self.env)
        # as systemd's StateDirectory= does at the service's start
        svc = pwd.getpwnam(self.svc)
        for dirpath, _, files in os.walk(self.w.path("state")):
            for p in [dirpath] + [os.path.join(dirpath, f) for f in files]:
                os.chown(p, svc.pw_uid, -1)
        r = self.as_user(self.user, "contact", "add", "ana@example.org", "--name", "Ana")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.as_user(self.svc, "contact", "show", "ana@example.org")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Ana", r.stdout)
        r = self.as_user(self.user, "check")
        self.assertRegex(r.stdout, r"(?m)^secret\s+ok ")
        self.assertRegex(r.stdout, r"(?m)^database\s+ok ")
        # whatever the organiser left behind stays the group's
        gid = grp.getgrnam(self.group).gr_gid
        for n in os.listdir(self.w.path("state")):
            self.assertEqual(os.stat(self.w.path("state", n)).st_gid, gid, n)


class GuideTest(unittest.TestCase):
    """docs/guide.md says who runs each block of commands, and the blocks
    it says this file or the demo runs are run as written."""

    MARKS = (RUN_HERE, "# run by contrib/demo.sh")

    def test_every_block_says_who_runs_it(self):
        blocks = guide_blocks()
        self.assertGreater(len(blocks), 10)
        for info, lines in blocks:
            if info == "text":          # what a command prints
                continue
            with self.subTest(block=lines[:2]):
                first = lines[0]
                self.assertTrue(first in self.MARKS or
                                re.match(r"^[#;] .*: not (herald commands|a command|commands)$", first)
                                or first.startswith("# systemd: not run by the tests"),
                                first)

    def test_commands_run_here_are_known(self):
        for info, lines in guide_blocks():
            if lines and lines[0] == RUN_HERE:
                for line in lines[1:]:
                    self.assertIsNotNone(kind_of(line), line)
        for kind in ("cmake", "systemd", "herald", "usermod"):
            self.assertTrue(guide_commands(kind), kind)

    def test_demo_runs_its_blocks(self):
        def norm(line):
            line = line.replace('"$top/', "").replace('"$top"', ".").replace('"', "")
            return line.replace(">/dev/null", "").strip()
        with open(os.path.join(util.SOURCE, "contrib", "demo.sh")) as f:
            demo = {norm(l) for l in f}
        n = 0
        for info, lines in guide_blocks():
            if lines and lines[0] == "# run by contrib/demo.sh":
                for line in lines[1:]:
                    self.assertIn(norm(line), demo, line)
                    n += 1
        self.assertGreater(n, 0)

    def test_readme_links_the_guide(self):
        with open(os.path.join(util.SOURCE, "README.md")) as f:
            self.assertTrue("(docs/guide.md)" in f.read(),
                            "README.md does not link docs/guide.md")


if __name__ == "__main__":
    util.main()
