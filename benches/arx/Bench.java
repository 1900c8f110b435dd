// Benchmark harness for ARX (arx-deidentifier/arx @ aacd487), one case per JVM.
//
// Usage: java -cp <arx classes + jars>:. Bench <case> [repetitions]
//        java ... Bench list
//
// Each case is configured exactly as the corresponding ARX unit test
// (src/test/org/deidentifier/arx/test/*.java, AbstractAnonymizationTest#getDataObject):
//   * data = Data.create(<dataset>.csv, UTF-8, ';')
//   * every file <dataset>_hierarchy_<attr>.csv beside the data makes <attr> a QI with that
//     hierarchy, except the sensitive attribute, which is set SENSITIVE when the configuration
//     holds an l-diversity / t-closeness / delta-disclosure / beta-likeness model (and is left
//     untyped otherwise, as in the tests)
//   * config.setPracticalMonotonicity(false) (the "practical" flag of every case used here)
//   * everything else is ARX's default (algorithm OPTIMAL = Flash; heuristic search only above
//     100,000 transformations, which none of these lattices reaches)
//
// Timing: System.nanoTime() around anonymizer.anonymize(data, config) only. With repetitions > 1
// the handle is released and anonymize() is called again in the same JVM (as the ARX test's
// benchmark mode does): run 1 is "cold", later runs are "warm".

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.deidentifier.arx.ARXAnonymizer;
import org.deidentifier.arx.ARXConfiguration;
import org.deidentifier.arx.ARXLattice.ARXNode;
import org.deidentifier.arx.ARXPopulationModel;
import org.deidentifier.arx.ARXPopulationModel.Region;
import org.deidentifier.arx.ARXResult;
import org.deidentifier.arx.AttributeType;
import org.deidentifier.arx.AttributeType.Hierarchy;
import org.deidentifier.arx.Data;
import org.deidentifier.arx.DataType;
import org.deidentifier.arx.criteria.BasicBLikeness;
import org.deidentifier.arx.criteria.DDisclosurePrivacy;
import org.deidentifier.arx.criteria.DistinctLDiversity;
import org.deidentifier.arx.criteria.EnhancedBLikeness;
import org.deidentifier.arx.criteria.EntropyLDiversity;
import org.deidentifier.arx.criteria.HierarchicalDistanceTCloseness;
import org.deidentifier.arx.criteria.KAnonymity;
import org.deidentifier.arx.criteria.KMap;
import org.deidentifier.arx.criteria.KMap.CellSizeEstimator;
import org.deidentifier.arx.criteria.LDiversity;
import org.deidentifier.arx.criteria.OrderedDistanceTCloseness;
import org.deidentifier.arx.criteria.RecursiveCLDiversity;
import org.deidentifier.arx.criteria.TCloseness;
import org.deidentifier.arx.io.CSVHierarchyInput;
import org.deidentifier.arx.metric.Metric;

public class Bench {

    static final String DATA = "/tmp/arxbench/data/";

    static class Case {
        String           name;
        String           dataset;     // e.g. "cup" -> DATA/cup.csv
        String           sensitive;   // may be ""
        ARXConfiguration config;
        String           integerAttr; // attribute to declare DataType.INTEGER (ordered t), or null
        String           origin;      // which ARX test this reproduces
        Case(String name, String dataset, String sensitive, ARXConfiguration config, String origin) {
            this.name = name; this.dataset = dataset; this.sensitive = sensitive; this.config = config; this.origin = origin;
        }
    }

    static Hierarchy hier(String file) throws IOException {
        return Hierarchy.create(DATA + file, StandardCharsets.UTF_8, ';');
    }

    static Metric<?> dmStar() { return Metric.createDiscernabilityMetric(true); }
    static Metric<?> entropy(boolean monotonic) { return Metric.createPrecomputedEntropyMetric(0.1d, monotonic); }

    static List<Case> cases() throws IOException {
        List<Case> l = new ArrayList<>();
        // --- TestAnonymizationKAnonymity: fars (8 QIs), DM*
        l.add(new Case("fars8_k5_0", "fars", "", ARXConfiguration.create(0.0d, dmStar()).addPrivacyModel(new KAnonymity(5)), "TestAnonymizationKAnonymity row 14"));
        l.add(new Case("fars8_k100_0", "fars", "", ARXConfiguration.create(0.0d, dmStar()).addPrivacyModel(new KAnonymity(100)), "TestAnonymizationKAnonymity row 15"));
        l.add(new Case("fars8_k5_4", "fars", "", ARXConfiguration.create(0.04d, dmStar()).addPrivacyModel(new KAnonymity(5)), "TestAnonymizationKAnonymity row 12"));
        l.add(new Case("fars8_k100_4", "fars", "", ARXConfiguration.create(0.04d, dmStar()).addPrivacyModel(new KAnonymity(100)), "TestAnonymizationKAnonymity row 13"));
        // --- TestAnonymizationKAnonymity: adult (9 QIs, monotonic entropy), cup (8 QIs, non-monotonic entropy; same without suppression)
        l.add(new Case("adult9_k5_0", "adult", "", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new KAnonymity(5)), "TestAnonymizationKAnonymity row 2"));
        l.add(new Case("adult9_k100_0", "adult", "", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new KAnonymity(100)), "TestAnonymizationKAnonymity row 3"));
        l.add(new Case("cup8_k5_0", "cup", "", ARXConfiguration.create(0.0d, entropy(false)).addPrivacyModel(new KAnonymity(5)), "TestAnonymizationKAnonymity row 8"));
        l.add(new Case("cup8_k100_0", "cup", "", ARXConfiguration.create(0.0d, entropy(false)).addPrivacyModel(new KAnonymity(100)), "TestAnonymizationKAnonymity row 9"));
        // --- TestAnonymizationCombinations: k=5 + hierarchical t=0.2
        l.add(new Case("adult8_k5_ht02", "adult", "occupation", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new HierarchicalDistanceTCloseness("occupation", 0.2, hier("adult_hierarchy_occupation.csv"))), "TestAnonymizationCombinations row 3"));
        l.add(new Case("cup7_k5_ht02", "cup", "RAMNTALL", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new HierarchicalDistanceTCloseness("RAMNTALL", 0.2, hier("cup_hierarchy_RAMNTALL.csv"))), "TestAnonymizationCombinations row 12"));
        // --- TestAnonymizationLDiversity / EntropyLDiversity (no suppression)
        l.add(new Case("adult8_el5", "adult", "occupation", ARXConfiguration.create(0.0d, entropy(false)).addPrivacyModel(new EntropyLDiversity("occupation", 5)), "TestAnonymizationLDiversity row 2"));
        l.add(new Case("adult8_el100", "adult", "occupation", ARXConfiguration.create(0.0d, entropy(false)).addPrivacyModel(new EntropyLDiversity("occupation", 100)), "TestAnonymizationLDiversity row 3"));
        l.add(new Case("cup7_el3_dm", "cup", "RAMNTALL", ARXConfiguration.create(0.0d, dmStar()).addPrivacyModel(new EntropyLDiversity("RAMNTALL", 3)), "TestAnonymizationEntropyLDiversity row 9"));
        l.add(new Case("cup7_el5_dm", "cup", "RAMNTALL", ARXConfiguration.create(0.0d, dmStar()).addPrivacyModel(new EntropyLDiversity("RAMNTALL", 5)), "TestAnonymizationLDiversity row 22 / EntropyLDiversity row 8"));
        l.add(new Case("cup7_el100_dm", "cup", "RAMNTALL", ARXConfiguration.create(0.0d, dmStar()).addPrivacyModel(new EntropyLDiversity("RAMNTALL", 100)), "TestAnonymizationLDiversity row 23"));
        l.add(new Case("cup7_dl5", "cup", "RAMNTALL", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new DistinctLDiversity("RAMNTALL", 5)), "TestAnonymizationLDiversity row 24"));
        l.add(new Case("cup7_dl100", "cup", "RAMNTALL", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new DistinctLDiversity("RAMNTALL", 100)), "TestAnonymizationLDiversity row 25"));
        l.add(new Case("fars7_rl4_5", "fars", "istatenum", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new RecursiveCLDiversity("istatenum", 4d, 5)), "TestAnonymizationLDiversity row 34"));
        l.add(new Case("fars7_rl4_100", "fars", "istatenum", ARXConfiguration.create(0.0d, entropy(true)).addPrivacyModel(new RecursiveCLDiversity("istatenum", 4d, 100)), "TestAnonymizationLDiversity row 35"));
        l.add(new Case("fars7_dl5", "fars", "istatenum", ARXConfiguration.create(0.0d, entropy(false)).addPrivacyModel(new DistinctLDiversity("istatenum", 5)), "TestAnonymizationLDiversity row 36"));
        l.add(new Case("fars7_dl100", "fars", "istatenum", ARXConfiguration.create(0.0d, entropy(false)).addPrivacyModel(new DistinctLDiversity("istatenum", 100)), "TestAnonymizationLDiversity row 37"));
        // --- TestAnonymizationBLikeness: enhanced beta=2, loss metric, no suppression
        l.add(new Case("adult8_eb2", "adult", "occupation", ARXConfiguration.create(0.0d, Metric.createLossMetric()).addPrivacyModel(new EnhancedBLikeness("occupation", 2)), "TestAnonymizationBLikeness row 1"));
        // --- TestAnonymizationKMap: estimator, USA, alpha 0.01, zero-truncated Poisson, 5 %
        l.add(new Case("adult8_kmap3", "adult", "occupation", ARXConfiguration.create(0.05d, entropy(false)).addPrivacyModel(new KMap(3, 0.01d, ARXPopulationModel.create(Region.USA), CellSizeEstimator.ZERO_TRUNCATED_POISSON)), "TestAnonymizationKMap row 0"));
        l.add(new Case("adult8_kmap1000", "adult", "occupation", ARXConfiguration.create(0.05d, entropy(false)).addPrivacyModel(new KMap(1000, 0.01d, ARXPopulationModel.create(Region.USA), CellSizeEstimator.ZERO_TRUNCATED_POISSON)), "TestAnonymizationKMap row 1"));
        // --- Issue case: cup 7 QIs, RAMNTALL sensitive, k=5, 5 %, distinct l=5 / ordered t=0.2, entropy.
        // Not an ARX unit test. The entropy variant the issue used is unknown: both are run.
        l.add(new Case("issue_dl5_mono", "cup", "RAMNTALL", ARXConfiguration.create(0.05d, entropy(true)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new DistinctLDiversity("RAMNTALL", 5)), "issue (monotonic precomputed entropy)"));
        l.add(new Case("issue_dl5_nonmono", "cup", "RAMNTALL", ARXConfiguration.create(0.05d, entropy(false)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new DistinctLDiversity("RAMNTALL", 5)), "issue (non-monotonic precomputed entropy)"));
        Case c1 = new Case("issue_ot02_mono", "cup", "RAMNTALL", ARXConfiguration.create(0.05d, entropy(true)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new OrderedDistanceTCloseness("RAMNTALL", 0.2d)), "issue (monotonic precomputed entropy), RAMNTALL as INTEGER");
        c1.integerAttr = "RAMNTALL";
        l.add(c1);
        Case c2 = new Case("issue_ot02_nonmono", "cup", "RAMNTALL", ARXConfiguration.create(0.05d, entropy(false)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new OrderedDistanceTCloseness("RAMNTALL", 0.2d)), "issue (non-monotonic precomputed entropy), RAMNTALL as INTEGER");
        c2.integerAttr = "RAMNTALL";
        l.add(c2);
        // Informational: ordered t with ARX's default String data type for RAMNTALL (lexicographic order)
        l.add(new Case("issue_ot02_mono_string", "cup", "RAMNTALL", ARXConfiguration.create(0.05d, entropy(true)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new OrderedDistanceTCloseness("RAMNTALL", 0.2d)), "issue, RAMNTALL left as String"));
        l.add(new Case("issue_ot02_nonmono_string", "cup", "RAMNTALL", ARXConfiguration.create(0.05d, entropy(false)).addPrivacyModel(new KAnonymity(5)).addPrivacyModel(new OrderedDistanceTCloseness("RAMNTALL", 0.2d)), "issue, RAMNTALL left as String"));
        return l;
    }

    /** Same as AbstractAnonymizationTest#getDataObject. */
    static Data getDataObject(Case c) throws IOException {
        final String path = DATA + c.dataset + ".csv";
        final Data data = Data.create(path, StandardCharsets.UTF_8, ';');
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
                } else if (c.config.isPrivacyModelSpecified(LDiversity.class) ||
                           c.config.isPrivacyModelSpecified(TCloseness.class) ||
                           c.config.isPrivacyModelSpecified(DDisclosurePrivacy.class) ||
                           c.config.isPrivacyModelSpecified(BasicBLikeness.class) ||
                           c.config.isPrivacyModelSpecified(EnhancedBLikeness.class)) {
                    data.getDefinition().setAttributeType(attr, AttributeType.SENSITIVE_ATTRIBUTE);
                }
            }
        }
        if (c.integerAttr != null) {
            data.getDefinition().setDataType(c.integerAttr, DataType.INTEGER);
        }
        return data;
    }

    public static void main(String[] args) throws Exception {
        List<Case> all = cases();
        if (args.length == 0 || args[0].equals("list")) {
            for (Case c : all) System.out.println(c.name + "\t" + c.origin);
            return;
        }
        Case c = null;
        for (Case x : all) if (x.name.equals(args[0])) c = x;
        if (c == null) throw new IllegalArgumentException("unknown case " + args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 1;

        long l0 = System.nanoTime();
        Data data = getDataObject(c);
        long l1 = System.nanoTime();

        ARXAnonymizer anonymizer = new ARXAnonymizer();
        c.config.setPracticalMonotonicity(false);

        ARXResult result = null;
        double[] times = new double[reps];
        for (int r = 0; r < reps; r++) {
            if (r > 0) data.getHandle().release();
            long t0 = System.nanoTime();
            result = anonymizer.anonymize(data, c.config);
            long t1 = System.nanoTime();
            times[r] = (t1 - t0) / 1e9;
        }

        // QIs in the column order of the data file
        String[] header = new String[data.getHandle().getNumColumns()];
        for (int i = 0; i < header.length; i++) header[i] = data.getHandle().getAttributeName(i);
        List<String> qis = new ArrayList<>();
        for (String h : header) if (data.getDefinition().getQuasiIdentifyingAttributes().contains(h)) qis.add(h);

        StringBuilder sb = new StringBuilder();
        sb.append("case=").append(c.name);
        sb.append("\tqis=").append(String.join(",", qis));
        ARXNode opt = result.getGlobalOptimum();
        if (opt == null) {
            sb.append("\tlevels=none\tscore=none");
        } else {
            Map<String, Integer> lv = new LinkedHashMap<>();
            List<String> lvs = new ArrayList<>();
            for (String q : qis) { lv.put(q, opt.getGeneralization(q)); lvs.add(String.valueOf(opt.getGeneralization(q))); }
            sb.append("\tlevels=[").append(String.join(",", lvs)).append("]");
            sb.append("\ttransformation=").append(java.util.Arrays.toString(opt.getTransformation()));
            sb.append("\tscore=").append(opt.getHighestScore().toString());
            sb.append("\tscore_low=").append(opt.getLowestScore().toString());
        }
        sb.append("\toptimal=").append(result.isResultAvailable() ? String.valueOf(result.getProcessStatistics().getStep(0).isOptimal()) : "n/a");
        sb.append("\tchecked=").append(result.getProcessStatistics().getTransformationsChecked());
        sb.append("\tspace=").append(result.getProcessStatistics().getTransformationsAvailable());
        sb.append("\talgorithm=").append(c.config.getAlgorithm());
        sb.append("\tload_s=").append(String.format(Locale.ROOT, "%.3f", (l1 - l0) / 1e9));
        StringBuilder ts = new StringBuilder();
        for (int r = 0; r < reps; r++) { if (r > 0) ts.append(","); ts.append(String.format(Locale.ROOT, "%.3f", times[r])); }
        sb.append("\tanonymize_s=").append(ts);
        System.out.println(sb);
    }
}
