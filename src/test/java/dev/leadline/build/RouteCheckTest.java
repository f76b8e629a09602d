package dev.leadline.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's route check (run at process-classes, see pom.xml): today's routes pass, and each kind of
 * mistake in a route file is reported with the file, the line and what is wrong.
 */
class RouteCheckTest {

    private static RouteCheck check;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws Exception {
        check = new RouteCheck();
    }

    /** A route with a mistake at line 8 (the marked line), the rest as in routes/. */
    private static String route(String from, String step) {
        return """
                # a probe
                - route:
                    id: probe
                    autoStartup: "{{probe.enabled}}"
                    from:
                      %s
                      steps:
                        %s
                        - setHeader:
                            name: CamelHttpResponseCode
                            constant: 201
                """.formatted(from, step);
    }

    private List<RouteCheck.Problem> problems(String yaml) throws Exception {
        Path file = dir.resolve("probe.yaml");
        Files.writeString(file, yaml);
        return check.check(file);
    }

    private static void assertOneProblem(List<RouteCheck.Problem> problems, int line, String... words) {
        assertEquals(1, problems.size(), problems.toString());
        RouteCheck.Problem p = problems.get(0);
        assertTrue(p.toString().startsWith(p.file() + ":" + line + ": "), p.toString());
        assertTrue(p.file().endsWith("probe.yaml"), p.toString());
        for (String word : words) {
            assertTrue(p.what().contains(word), "'" + word + "' in " + p);
        }
    }

    @Test
    void todaysRoutesPass() throws Exception {
        List<Path> files = RouteCheck.routeFiles(Path.of("routes"));
        assertTrue(files.size() >= 11, files.toString());
        assertEquals(List.of(), check.checkAll(files));
    }

    /** Sent to, but no route has it as its from: found across the files (a typo in either name). */
    @Test
    void aDirectEndpointNoRouteConsumesIsReported() throws Exception {
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, """
                - route:
                    id: next
                    from:
                      uri: direct:next
                      steps:
                        - log: {message: hi}
                """);
        Path file = dir.resolve("probe.yaml");
        Files.writeString(file, route("uri: timer:probe", "- to: direct:next"));
        assertEquals(List.of(), check.checkAll(List.of(file, other)));

        Files.writeString(file, route("uri: timer:probe", "- to: {uri: \"direct://nxet?timeout=5\"}"));
        assertOneProblem(check.checkAll(List.of(file, other)), 8, "direct:nxet", "no route has from: direct:nxet");
    }

    /** Placeholders where Camel wants a boolean or number, numbers where it wants a string: Camel converts them. */
    @Test
    void aCorrectRouteWithPlaceholdersAndNumbersPasses() throws Exception {
        assertEquals(List.of(), problems(route("uri: timer:probe?period={{probe.period}}",
                "- to: {uri: direct:next, parameters: {timeout: \"{{probe.timeout}}\"}}")));
    }

    @Test
    void aMisspeltStepIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe", "- setVariabel: {name: x, constant: y}")), 8, "setVariabel");
    }

    @Test
    void aMisspeltKeyOfAStepIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe", "- to: {uri: direct:next, paramters: {timeout: 5}}")), 8, "paramters");
    }

    @Test
    void aMisspeltOptionInTheUriIsReported() throws Exception {
        assertOneProblem(problems(route("uri: platform-http:/probe?httpMethodRestrikt=POST", "- log: {message: hi}")), 6,
                "httpMethodRestrikt", "Unknown option");
    }

    @Test
    void anUnknownOptionInParametersIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe",
                "- to: {uri: \"sql:classpath:sql/x.sql\", parameters: {outputTyp: SelectOne}}")), 8, "outputTyp", "Unknown option");
    }

    /** camel-sql binds parametersCount values without asking PostgreSQL: the count must be the file's. */
    @Test
    void aParametersCountThatIsNotTheFilesIsReported() throws Exception {
        // sql/intake/store-message.sql has 18 :# parameters
        assertOneProblem(problems(route("uri: timer:probe",
                "- to: {uri: \"sql:classpath:sql/intake/store-message.sql\", parameters: {parametersCount: 17}}")), 8,
                "parametersCount 17, but the file has 18");
        assertEquals(List.of(), problems(route("uri: timer:probe",
                "- to: {uri: \"sql:classpath:sql/intake/store-message.sql\", parameters: {parametersCount: 18}}")));
    }

    /** In the long form, the line of the option itself. */
    @Test
    void anUnknownOptionInABlockOfParametersIsReportedAtItsLine() throws Exception {
        assertOneProblem(problems("""
                - route:
                    id: probe
                    from:
                      uri: timer:probe
                      parameters:
                        period: 5
                        repeatCont: 1
                      steps:
                        - log:
                            message: hi
                """), 7, "repeatCont", "Unknown option");
    }

    @Test
    void aValueOfTheWrongTypeIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe?repeatCount=many", "- log: {message: hi}")), 6,
                "repeatCount", "many");
    }

    @Test
    void aValueOutsideAnOptionsChoicesIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe",
                "- to: {uri: \"sql:classpath:sql/x.sql\", parameters: {outputType: SelectUno}}")), 8, "SelectUno");
    }

    @Test
    void aMisspeltComponentIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe", "- to: diect:next")), 8, "diect");
    }

    /** A consumer-only option on a producer (to) is a mistake too: the producer ignores it. */
    @Test
    void aConsumerOptionOnAProducerIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe", "- to: platform-http:/x?httpMethodRestrict=POST")), 8,
                "httpMethodRestrict");
    }

    @Test
    void aMisspeltSimpleFunctionIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe", "- setBody: {simple: \"${hedaer.x}\"}")), 8,
                "simple expression", "Unknown function: hedaer.x");
    }

    @Test
    void anUnclosedSimpleExpressionInALogMessageIsReported() throws Exception {
        assertOneProblem(problems(route("uri: timer:probe", "- log: {message: \"run ${variable.runId\"}")), 8,
                "simple expression", "functionEnd");
    }

    /** A when's simple is read as a predicate: text that is no condition is a mistake there. */
    @Test
    void aSimplePredicateThatIsNoConditionIsReported() throws Exception {
        assertEquals(List.of(), problems(route("uri: timer:probe",
                "- filter: {simple: \"${body[status]} == 'ok'\", steps: [{log: {message: \"${body}\"}}]}")));
        assertOneProblem(problems(route("uri: timer:probe",
                "- filter: {simple: \"status is ${body[status]}\", steps: [{log: {message: \"${body}\"}}]}")), 8,
                "simple predicate");
    }

    /** A bean bound in LeadlineConfiguration (logSafe: fields(Map)) called by a name it lacks, or with too many arguments. */
    @Test
    void aBeanCallOfAMissingMethodOrWithTheWrongArgumentsIsReported() throws Exception {
        assertEquals(List.of(), problems(route("uri: timer:probe", "- bean: {ref: logSafe, method: \"fields(${body})\"}")));
        assertEquals(List.of(), problems(route("uri: timer:probe", "- bean: {ref: logSafe, method: \"fields('a, b')\"}")));
        assertEquals(List.of(), problems(route("uri: timer:probe", "- bean: {ref: logSafe, method: fields}")));
        assertOneProblem(problems(route("uri: timer:probe", "- bean: {ref: logSafe, method: \"fieldz(${body})\"}")), 8,
                "bean logSafe (LogSafe) has no method fieldz");
        assertOneProblem(problems(route("uri: timer:probe", "- bean: {ref: logSafe, method: \"fields(${body}, ${header.x})\"}")), 8,
                "bean logSafe.fields takes 1 argument(s), the route passes 2");
    }

    @Test
    void aFileThatIsNotYamlIsReported() throws Exception {
        assertOneProblem(problems(route("{uri: timer:probe, parameters: {period: 5}}", "- log: {message: hi}")), 7,
                "not valid YAML");
    }

    @Test
    void aMisspeltCamelSettingIsReported() throws Exception {
        assertEquals(List.of(), check.checkSettings(Path.of("application.properties")));
        Path settings = dir.resolve("application.properties");
        Files.writeString(settings, """
                # settings
                http.port = 8080
                camel.server.port = {{http.port}}
                camel.main.routes-reload-enabeld = {{dev.mode}}
                camel.component.http.connect-timeout = soon
                """);
        List<RouteCheck.Problem> problems = check.checkSettings(settings);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).toString().startsWith(settings + ":5: camel.component.http.connect-timeout: "), problems.toString());
        assertTrue(problems.get(0).what().contains("soon"), problems.toString());
        assertTrue(problems.get(1).toString().startsWith(settings + ":4: camel.main.routes-reload-enabeld: "), problems.toString());
        assertTrue(problems.get(1).what().contains("Unknown option"), problems.toString());
    }

    /** The lead renames the route files to *.camel.yaml: both names are checked. */
    @Test
    void bothRouteFileNamesAreFound() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "");
        Files.writeString(dir.resolve("b.camel.yaml"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        assertEquals(List.of(dir.resolve("a.yaml"), dir.resolve("b.camel.yaml")), RouteCheck.routeFiles(dir));
    }

    /** What the build runs: a problem fails it (an exception, as exec:java runs in Maven's JVM) naming the file. */
    @Test
    void theBuildStepFailsNamingTheFileAndLine() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("good.yaml"), route("uri: timer:probe", "- log: {message: hi}"));
        Files.writeString(routes.resolve("bad.camel.yaml"), route("uri: timer:probe", "- setVariabel: {name: x, constant: y}"));
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> RouteCheck.main(new String[] {routes.toString()}));
        assertTrue(failure.getMessage().contains("1 problem(s), the first: " + Path.of("routes", "bad.camel.yaml") + ":8: "),
                failure.getMessage());
        Files.delete(routes.resolve("bad.camel.yaml"));
        RouteCheck.main(new String[] {routes.toString()});
    }
}
