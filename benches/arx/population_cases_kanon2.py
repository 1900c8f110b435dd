import json, subprocess
K="/tmp/arxbench/kanon2"
S='/work/shared/datasets/'
A8='sex,age,race,marital-status,education,native-country,workclass,salary-class'
C7='ZIP,AGE,GENDER,INCOME,STATE,NGIFTALL,MINRAMNT'
# (data, qis, supp, metric, target args, arx score, arx levels)
cases=[
('adult',A8,'0','aecs',['--k-map','5'],45.014925373134325,[1,0,1,2,3,2,2,1]),
('adult',A8,'0','entropy',['--k-map','3'],23387.494246375998,[0,0,1,2,3,2,2,0]),
('adult',A8,'0','entropy',['--k-map','5'],28551.7222913157,[1,0,1,2,3,2,2,1]),
('adult',A8,'5%','aecs',['--k-map','20'],11.424242424242424,[1,0,1,1,3,2,1,0]),
('adult',A8,'5%','entropy',['--k-map','7'],17075.7181747451,[0,0,1,1,2,2,2,0]),
('adult',A8,'5%','entropy',['--k-map','3'],15121.633326877098,[0,0,1,1,1,2,1,0]),
('adult',A8,'0','entropy',['--k-map','2'],23108.1673304724,[1,0,1,1,3,2,2,0]),
('adult',A8,'0','entropy',['--k-map','10'],30238.2081484441,[0,1,1,2,3,2,2,0]),
('adult',A8,'5%','aecs',['--k-map','10'],7.215311004784689,[0,0,1,1,3,2,1,0]),
('adult',A8,'5%','entropy',['--k-map','5'],17053.8743069776,[0,0,1,0,2,2,2,1]),
('adult',A8,'0','aecs',['--presence-max','0.2'],52.0,[1,4,1,1,0,2,2,0]),
('adult',A8,'0','entropy',['--presence-max','0.2'],30238.2081484441,[0,1,1,2,3,2,2,0]),
('adult',A8,'5%','aecs',['--presence-max','0.2'],8.02127659574468,[0,0,1,2,1,2,2,1]),
('adult',A8,'5%','entropy',['--presence-max','0.2'],19804.2887675027,[1,0,1,1,2,2,2,0]),
('adult',A8,'0','aecs',['--presence-min','0.05','--presence-max','0.15'],150.8,[0,4,0,1,3,2,2,1]),
('adult',A8,'0','entropy',['--presence-min','0.05','--presence-max','0.15'],37223.2491248282,[1,4,1,1,1,2,2,1]),
('adult',A8,'5%','aecs',['--presence-min','0.05','--presence-max','0.15'],97.29032258064517,[1,4,1,1,0,2,2,1]),
('adult',A8,'5%','entropy',['--presence-min','0.05','--presence-max','0.15'],33649.9118226187,[1,4,1,1,0,2,2,1]),
('cup',C7,'0','aecs',['--presence-max','0.2'],186.58823529411765,[5,1,1,1,1,3,4]),
('cup',C7,'0','entropy',['--presence-max','0.2'],183507.9666833512,[5,1,1,1,1,3,4]),
('cup',C7,'5%','aecs',['--presence-max','0.2'],6.375879396984924,[4,0,1,1,1,3,2]),
('cup',C7,'5%','entropy',['--presence-max','0.2'],124388.3772460361,[3,2,1,1,0,2,1]),
('cup',C7,'0','aecs',['--presence-min','0.05','--presence-max','0.15'],906.2857142857143,[5,4,1,0,1,4,4]),
('cup',C7,'0','entropy',['--presence-min','0.05','--presence-max','0.15'],195829.0291224279,[5,4,1,0,1,4,4]),
('cup',C7,'5%','aecs',['--presence-min','0.05','--presence-max','0.15'],333.89473684210526,[4,4,1,1,1,4,3]),
('cup',C7,'5%','entropy',['--presence-min','0.05','--presence-max','0.15'],188685.11376583832,[4,4,1,1,1,4,3]),
]
import time
for data,qis,supp,metric,tgt,score,lv in cases:
    args=[K,'suggest',S+f'{data}/{data}_subset.csv','--qi',qis,'--hierarchy',S+data,'--population',S+f'{data}/{data}.csv','--k','1','--suppression',supp,'--metric',metric,'--json','--quiet',*tgt]
    if data=='cup': args+=['--sensitive','RAMNTALL']
    t=time.time(); o=subprocess.run(args,capture_output=True); dt=time.time()-t
    if o.returncode not in (0,1): print('ERR',o.stderr.decode()[:300]); continue
    d=json.loads(o.stdout)['search']
    got=[d['levels'][q] for q in qis.split(',')] if d['levels'] else None
    s=d['utility']['aecs' if metric=='aecs' else 'non_uniform_entropy'] if d['utility'] else None
    print(data,supp,metric,' '.join(tgt),'levels', 'OK' if got==lv else f'DIFF {got} vs {lv}','score', 'OK' if s is not None and abs(s-score)<=1e-9*score else f'{s} vs {score}', f'{dt:.2f}s rc{o.returncode} nodes {d["nodes_checked"]}')
