// Benchmark harness for ARX (arx-deidentifier/arx @ aacd487): population-based reference cases.
// Copy of Bench.java (same data set-up, same timing), with the cases of ARX's unit tests
// TestAnonymizationKMap (rows with new KMap(K, DataSubset.create(adult.csv, adult_subset.csv)))
// and TestAnonymizationDPresence (rows 0-23: adult and cup; fars/atus/ihis rows skipped).
//
// Usage: java -cp <arx classes + jars>:bench2-classes Bench2 <case> [repetitions]
//        java ... Bench2 list
//
// As in the tests: data = Data.create(<population>.csv) (the whole file is anonymised, the research
// subset is given through DataSubset.create(Data.create(<pop>.csv), Data.create(<pop>_subset.csv)));
// every <dataset>_hierarchy_<attr>.csv is a QI except the row's sensitive attribute (left untyped,
// since k-map / d-presence are not l/t/delta/beta models); setPracticalMonotonicity(false) (the
// value of every row used here); everything else ARX's default.
// Configurations are built only for the selected case (DataSubset creation reads two CSV files);
// the time for that is reported as subset_s (in the JVM time, not in anonymize()).

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.deidentifier.arx.ARXAnonymizer;
import org.deidentifier.arx.ARXConfiguration;
import org.deidentifier.arx.ARXLattice.ARXNode;
import org.deidentifier.arx.ARXResult;
import org.deidentifier.arx.AttributeType;
import org.deidentifier.arx.AttributeType.Hierarchy;
import org.deidentifier.arx.Data;
import org.deidentifier.arx.DataSubset;
import org.deidentifier.arx.criteria.BasicBLikeness;
import org.deidentifier.arx.criteria.DDisclosurePrivacy;
import org.deidentifier.arx.criteria.DPresence;
import org.deidentifier.arx.criteria.EnhancedBLikeness;
import org.deidentifier.arx.criteria.KMap;
import org.deidentifier.arx.criteria.LDiversity;
import org.deidentifier.arx.criteria.TCloseness;
import org.deidentifier.arx.io.CSVHierarchyInput;
import org.deidentifier.arx.metric.Metric;

public class Bench2 {

    static final String DATA = "/tmp/arxbench/data/";

    static class Case {
        String name, dataset, sensitive, origin;
        double suppression;
        String metric;        // "aecs", "entropy_true", "entropy_false"
        String model;         // "kmap" or "dpresence"
        int k; double dMin, dMax;
        String expectedScore; int[] expectedTransformation;
        Case(String name, String origin, String dataset, String sensitive, double suppression, String metric,
             String model, int k, double dMin, double dMax, double expectedScore, int[] expectedTransformation) {
            this.name = name; this.origin = origin; this.dataset = dataset; this.sensitive = sensitive;
            this.suppression = suppression; this.metric = metric; this.model = model; this.k = k;
            this.dMin = dMin; this.dMax = dMax;
            this.expectedScore = String.valueOf(expectedScore); // as ARXAnonymizationTestCase does
            this.expectedTransformation = expectedTransformation;
        }
    }

    static Metric<?> metric(String m) {
        switch (m) {
            case "aecs": return Metric.createAECSMetric();
            case "entropy_true": return Metric.createPrecomputedEntropyMetric(0.1d, true);
            case "entropy_false": return Metric.createPrecomputedEntropyMetric(0.1d, false);
            default: throw new IllegalArgumentException(m);
        }
    }

    static DataSubset subset(String dataset) throws IOException {
        return DataSubset.create(Data.create(DATA + dataset + ".csv", StandardCharsets.UTF_8, ';'),
                                 Data.create(DATA + dataset + "_subset.csv", StandardCharsets.UTF_8, ';'));
    }

    static ARXConfiguration config(Case c) throws IOException {
        ARXConfiguration config = ARXConfiguration.create(c.suppression, metric(c.metric));
        if (c.model.equals("kmap")) config.addPrivacyModel(new KMap(c.k, subset(c.dataset)));
        else config.addPrivacyModel(new DPresence(c.dMin, c.dMax, subset(c.dataset)));
        return config;
    }

    static Case km(int row, double sup, String metric, int k, double score, int... t) {
        return new Case("kmap_r" + row, "TestAnonymizationKMap row " + row, "adult", "occupation", sup, metric, "kmap", k, 0, 0, score, t);
    }

    static Case dp(int row, String ds, double sup, String metric, double dMin, double dMax, double score, int... t) {
        return new Case("dp_" + ds + "_r" + row, "TestAnonymizationDPresence row " + row, ds, ds.equals("adult") ? "occupation" : "RAMNTALL",
                        sup, metric, "dpresence", 0, dMin, dMax, score, t);
    }

    static final String A = "aecs", ET = "entropy_true", EF = "entropy_false";

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        // TestAnonymizationKMap rows 2-13 (DataSubset rows). Row 8 = row 2 and row 13 = row 7 (identical
        // configurations and expectations in the test), so they are not run twice.
        l.add(km(2, 0.0, A, 5, 45.014925373134325, 1, 0, 1, 2, 3, 2, 2, 1));
        l.add(km(3, 0.0, ET, 3, 23387.494246375998, 0, 0, 1, 2, 3, 2, 2, 0));
        l.add(km(4, 0.0, EF, 5, 28551.7222913157, 1, 0, 1, 2, 3, 2, 2, 1));
        l.add(km(5, 0.05, A, 20, 11.424242424242424, 1, 0, 1, 1, 3, 2, 1, 0));
        l.add(km(6, 0.05, ET, 7, 17075.7181747451, 0, 0, 1, 1, 2, 2, 2, 0));
        l.add(km(7, 0.05, EF, 3, 15121.633326877098, 0, 0, 1, 1, 1, 2, 1, 0));
        l.add(km(9, 0.0, ET, 2, 23108.1673304724, 1, 0, 1, 1, 3, 2, 2, 0));
        l.add(km(10, 0.0, EF, 10, 30238.2081484441, 0, 1, 1, 2, 3, 2, 2, 0));
        l.add(km(11, 0.05, A, 10, 7.215311004784689, 0, 0, 1, 1, 3, 2, 1, 0));
        l.add(km(12, 0.05, ET, 5, 17053.8743069776, 0, 0, 1, 0, 2, 2, 2, 1));
        // TestAnonymizationDPresence rows 0-11 (adult, sensitive occupation)
        l.add(dp(0, "adult", 0.0, A, 0.0, 0.2, 52.0, 1, 4, 1, 1, 0, 2, 2, 0));
        l.add(dp(1, "adult", 0.0, ET, 0.0, 0.2, 30238.2081484441, 0, 1, 1, 2, 3, 2, 2, 0));
        l.add(dp(2, "adult", 0.0, EF, 0.0, 0.2, 30238.2081484441, 0, 1, 1, 2, 3, 2, 2, 0));
        l.add(dp(3, "adult", 0.05, A, 0.0, 0.2, 8.02127659574468, 0, 0, 1, 2, 1, 2, 2, 1));
        l.add(dp(4, "adult", 0.05, ET, 0.0, 0.2, 19804.2887675027, 1, 0, 1, 1, 2, 2, 2, 0));
        l.add(dp(5, "adult", 0.05, EF, 0.0, 0.2, 20747.362350403302, 1, 0, 1, 1, 2, 2, 2, 0));
        l.add(dp(6, "adult", 0.0, A, 0.05, 0.15, 150.8, 0, 4, 0, 1, 3, 2, 2, 1));
        l.add(dp(7, "adult", 0.0, ET, 0.05, 0.15, 37223.2491248282, 1, 4, 1, 1, 1, 2, 2, 1));
        l.add(dp(8, "adult", 0.0, EF, 0.05, 0.15, 37223.2491248282, 1, 4, 1, 1, 1, 2, 2, 1));
        l.add(dp(9, "adult", 0.05, A, 0.05, 0.15, 97.29032258064517, 1, 4, 1, 1, 0, 2, 2, 1));
        l.add(dp(10, "adult", 0.05, ET, 0.05, 0.15, 33649.9118226187, 1, 4, 1, 1, 0, 2, 2, 1));
        l.add(dp(11, "adult", 0.05, EF, 0.05, 0.15, 33660.3063277646, 1, 4, 1, 1, 0, 2, 2, 1));
        // TestAnonymizationDPresence rows 12-23 (cup, sensitive RAMNTALL)
        l.add(dp(12, "cup", 0.0, A, 0.0, 0.2, 186.58823529411765, 5, 1, 1, 1, 1, 3, 4));
        l.add(dp(13, "cup", 0.0, ET, 0.0, 0.2, 183507.9666833512, 5, 1, 1, 1, 1, 3, 4));
        l.add(dp(14, "cup", 0.0, EF, 0.0, 0.2, 183507.9666833512, 5, 1, 1, 1, 1, 3, 4));
        l.add(dp(15, "cup", 0.05, A, 0.0, 0.2, 6.375879396984924, 4, 0, 1, 1, 1, 3, 2));
        l.add(dp(16, "cup", 0.05, ET, 0.0, 0.2, 124388.3772460361, 3, 2, 1, 1, 0, 2, 1));
        l.add(dp(17, "cup", 0.05, EF, 0.0, 0.2, 128068.07605943311, 2, 4, 1, 1, 0, 3, 4));
        l.add(dp(18, "cup", 0.0, A, 0.05, 0.15, 906.2857142857143, 5, 4, 1, 0, 1, 4, 4));
        l.add(dp(19, "cup", 0.0, ET, 0.05, 0.15, 195829.0291224279, 5, 4, 1, 0, 1, 4, 4));
        l.add(dp(20, "cup", 0.0, EF, 0.05, 0.15, 195829.0291224279, 5, 4, 1, 0, 1, 4, 4));
        l.add(dp(21, "cup", 0.05, A, 0.05, 0.15, 333.89473684210526, 4, 4, 1, 1, 1, 4, 3));
        l.add(dp(22, "cup", 0.05, ET, 0.05, 0.15, 188685.11376583832, 4, 4, 1, 1, 1, 4, 3));
        l.add(dp(23, "cup", 0.05, EF, 0.05, 0.15, 188698.52093140973, 4, 4, 1, 1, 1, 4, 3));
        return l;
    }

    /** Same as AbstractAnonymizationTest#getDataObject. */
    static Data getDataObject(Case c, ARXConfiguration config) throws IOException {
        final Data data = Data.create(DATA + c.dataset + ".csv", StandardCharsets.UTF_8, ';');
        File dir = new File(DATA);
        File[] files = dir.listFiles((d, name) -> name.matches(c.dataset + "_hierarchy_(.)+.csv"));
        Pattern pattern = Pattern.compile("_hierarchy_(.*?).csv");
        for (File file : files) {
            Matcher m = pattern.matcher(file.getName());
            if (m.find()) {
                CSVHierarchyInput hier = new CSVHierarchyInput(file, StandardCharsets.UTF_8, ';');
                String attr = m.group(1);
                if (!attr.equalsIgnoreCase(c.sensitive)) {
                    data.getDefinition().setAttributeType(attr, Hierarchy.create(hier.getHierarchy()));
                } else if (config.isPrivacyModelSpecified(LDiversity.class) ||
                           config.isPrivacyModelSpecified(TCloseness.class) ||
                           config.isPrivacyModelSpecified(DDisclosurePrivacy.class) ||
                           config.isPrivacyModelSpecified(BasicBLikeness.class) ||
                           config.isPrivacyModelSpecified(EnhancedBLikeness.class)) {
                    data.getDefinition().setAttributeType(attr, AttributeType.SENSITIVE_ATTRIBUTE);
                }
            }
        }
        return data;
    }

    public static void main(String[] args) throws Exception {
        List<Case> all = cases();
        if (args.length == 0 || args[0].equals("list")) {
            for (Case c : all) System.out.println(c.name + "\t" + c.origin + "\t" + c.dataset + "\t" + c.model + "\tk=" + c.k + "\td=" + c.dMin + "-" + c.dMax + "\tsupp=" + c.suppression + "\t" + c.metric);
            return;
        }
        Case c = null;
        for (Case x : all) if (x.name.equals(args[0])) c = x;
        if (c == null) throw new IllegalArgumentException("unknown case " + args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 1;

        long s0 = System.nanoTime();
        ARXConfiguration config = config(c);
        long s1 = System.nanoTime();
        Data data = getDataObject(c, config);
        long l1 = System.nanoTime();

        ARXAnonymizer anonymizer = new ARXAnonymizer();
        config.setPracticalMonotonicity(false);

        ARXResult result = null;
        double[] times = new double[reps];
        for (int r = 0; r < reps; r++) {
            if (r > 0) data.getHandle().release();
            long t0 = System.nanoTime();
            result = anonymizer.anonymize(data, config);
            long t1 = System.nanoTime();
            times[r] = (t1 - t0) / 1e9;
        }

        String[] header = new String[data.getHandle().getNumColumns()];
        for (int i = 0; i < header.length; i++) header[i] = data.getHandle().getAttributeName(i);
        List<String> qis = new ArrayList<>();
        for (String h : header) if (data.getDefinition().getQuasiIdentifyingAttributes().contains(h)) qis.add(h);

        StringBuilder sb = new StringBuilder();
        sb.append("case=").append(c.name);
        sb.append("\tqis=").append(String.join(",", qis));
        ARXNode opt = result.getGlobalOptimum();
        if (opt == null) {
            sb.append("\tlevels=none\tscore=none\ttest_match=").append(c.expectedTransformation == null);
        } else {
            List<String> lvs = new ArrayList<>();
            for (String q : qis) lvs.add(String.valueOf(opt.getGeneralization(q)));
            sb.append("\tlevels=[").append(String.join(",", lvs)).append("]");
            sb.append("\ttransformation=").append(Arrays.toString(opt.getTransformation()));
            sb.append("\tscore=").append(opt.getHighestScore().toString());
            sb.append("\tscore_low=").append(opt.getLowestScore().toString());
            boolean scoreOk = opt.getHighestScore().toString().equals(c.expectedScore);
            boolean trOk = Arrays.equals(opt.getTransformation(), c.expectedTransformation);
            sb.append("\ttest_score_equal=").append(scoreOk);
            sb.append("\ttest_transformation_equal=").append(trOk);
            sb.append("\ttest_match=").append(scoreOk && trOk);
        }
        sb.append("\texpected_score=").append(c.expectedScore);
        sb.append("\texpected_transformation=").append(Arrays.toString(c.expectedTransformation));
        sb.append("\toptimal=").append(result.isResultAvailable() ? String.valueOf(result.getProcessStatistics().getStep(0).isOptimal()) : "n/a");
        sb.append("\tchecked=").append(result.getProcessStatistics().getTransformationsChecked());
        sb.append("\tspace=").append(result.getProcessStatistics().getTransformationsAvailable());
        sb.append("\talgorithm=").append(config.getAlgorithm());
        sb.append("\tsubset_s=").append(String.format(Locale.ROOT, "%.3f", (s1 - s0) / 1e9));
        sb.append("\tload_s=").append(String.format(Locale.ROOT, "%.3f", (l1 - s1) / 1e9));
        StringBuilder ts = new StringBuilder();
        for (int r = 0; r < reps; r++) { if (r > 0) ts.append(","); ts.append(String.format(Locale.ROOT, "%.3f", times[r])); }
        sb.append("\tanonymize_s=").append(ts);
        System.out.println(sb);
    }
}
